// Draws the home page's sales charts with the vendored Chart.js: for each
// <canvas data-sales-chart="ID">, the JSON in <script id="ID"> (orders as bars,
// revenue as a line on its own axis). The same figures are listed in a table
// beside the chart, so nothing depends on this script.
document.addEventListener("DOMContentLoaded", () => {
  if (typeof Chart === "undefined") return;
  const accent = getComputedStyle(document.documentElement).getPropertyValue("--haat-accent").trim() || "#b4451f";
  document.querySelectorAll("canvas[data-sales-chart]").forEach((canvas) => {
    const source = document.getElementById(canvas.dataset.salesChart);
    if (!source) return;
    const data = JSON.parse(source.textContent);
    const money = new Intl.NumberFormat("en-IN", { style: "currency", currency: data.currency, notation: "compact" });
    new Chart(canvas, {
      data: {
        labels: data.labels,
        datasets: [
          { type: "bar", label: "Orders", data: data.orders, yAxisID: "orders", backgroundColor: "#e7c9bd", borderRadius: 3, order: 2 },
          { type: "line", label: `Revenue (${data.currency})`, data: data.revenue.map(Number), yAxisID: "revenue",
            borderColor: accent, backgroundColor: accent, pointRadius: 2, tension: 0.25, order: 1 },
        ],
      },
      options: {
        maintainAspectRatio: false,
        interaction: { mode: "index", intersect: false },
        plugins: {
          legend: { position: "bottom" },
          tooltip: { callbacks: { label: (ctx) => ctx.dataset.yAxisID === "revenue"
            ? `Revenue: ${data.revenueText[ctx.dataIndex]}` : `Orders: ${ctx.parsed.y}` } },
        },
        scales: {
          x: { ticks: { maxRotation: 0, autoSkip: true, maxTicksLimit: 10 }, grid: { display: false } },
          orders: { position: "left", beginAtZero: true, ticks: { precision: 0 }, title: { display: true, text: "Orders" } },
          revenue: { position: "right", beginAtZero: true, grid: { drawOnChartArea: false },
            ticks: { callback: (v) => money.format(v) } },
        },
      },
    });
  });
});
