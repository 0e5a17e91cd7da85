"""What the orders context adds to the front doors: the storefront and admin orders API and
the admin customers API, the order pages at /dashboard/orders/ and the customer pages at
/dashboard/customers/, the Sales navigation section, the home page's order cards, 30-day
sales chart and orders waiting on the team, the audit log's words for orders, and the
dashboard search's orders (by number) and customers (by name, e-mail or phone)."""

from haat.accounts.roles import Perm
from haat.core.registry import (
    ApiRoutes,
    Contribution,
    HomeWidget,
    NavEntry,
    Pages,
    SearchSource,
    register,
)
from haat.orders import (
    api,
    audit_words,
    customer_api,
    customer_selectors,
    dashboard_urls,
    selectors,
)

register(
    Contribution(
        label="orders",
        api=(
            ApiRoutes("/store/", api.store_router),
            ApiRoutes("/admin/", api.admin_router),
            ApiRoutes("/admin/", customer_api.router),
        ),
        dashboard=Pages(dashboard_urls, namespace="orders"),
        nav=(
            NavEntry("Orders", "orders:order_list", Perm.ORDERS_VIEW, "Sales", "▤", order=100),
            NavEntry(
                "Customers",
                "orders:customer_list",
                Perm.CUSTOMERS_VIEW,
                "Sales",
                "☺",
                order=102,
            ),
        ),
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
        search=(
            SearchSource(
                "Orders",
                customer_selectors.search_orders,
                Perm.ORDERS_VIEW,
                "orders:order_list",
                order=100,
            ),
            SearchSource(
                "Customers",
                customer_selectors.search_customers,
                Perm.CUSTOMERS_VIEW,
                "orders:customer_list",
                order=105,
            ),
        ),
    )
)
