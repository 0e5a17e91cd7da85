// Small behaviours shared by dashboard pages. htmx does the rest.
document.addEventListener("DOMContentLoaded", () => {
  // Character counters: <input data-counter="70"> shows "n / 70" after the field.
  document.querySelectorAll("[data-counter]").forEach((field) => {
    const max = Number(field.dataset.counter);
    const out = document.createElement("small");
    out.className = "counter";
    field.insertAdjacentElement("afterend", out);
    const update = () => {
      out.textContent = `${field.value.length} / ${max}`;
      out.classList.toggle("over", field.value.length > max);
    };
    field.addEventListener("input", update);
    update();
  });
  // "Select all" checkbox for bulk tables: <input type=checkbox data-select-all="name">.
  document.querySelectorAll("[data-select-all]").forEach((box) => {
    box.addEventListener("change", () => {
      document.querySelectorAll(`input[name="${box.dataset.selectAll}"]`)
        .forEach((b) => { b.checked = box.checked; });
    });
  });
});
