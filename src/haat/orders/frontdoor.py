"""What the orders context adds to the front doors: the storefront and admin orders API, the
order pages at /dashboard/orders/, the Sales navigation section and the home page's order
cards, 30-day sales chart and orders waiting on the team."""

from haat.accounts.roles import Perm
from haat.core.registry import ApiRoutes, Contribution, HomeWidget, NavEntry, Pages, register
from haat.orders import api, audit_words, dashboard_urls, selectors

register(
    Contribution(
        label="orders",
        api=(ApiRoutes("/store/", api.store_router), ApiRoutes("/admin/", api.admin_router)),
        dashboard=Pages(dashboard_urls, namespace="orders", prefix="orders/"),
        nav=(NavEntry("Orders", "orders:order_list", Perm.ORDERS_VIEW, "Sales", "▤", order=100),),
        widgets=(
            HomeWidget(
                "orders",
                "orders/_home_cards.html",
                selectors.home_figures,
                Perm.ORDERS_VIEW,
                order=100,
            ),
            HomeWidget(
                "sales_chart",
                "orders/_home_chart.html",
                selectors.sales_chart,
                Perm.ORDERS_VIEW,
                order=100,
                slot="panels",
            ),
            HomeWidget(
                "orders_waiting",
                "orders/_home_waiting.html",
                selectors.waiting_on_team,
                Perm.ORDERS_VIEW,
                order=110,
                slot="panels",
            ),
        ),
        audit=audit_words.WORDS,
    )
)
