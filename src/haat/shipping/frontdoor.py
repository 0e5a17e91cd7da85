"""What the shipping context adds to the front doors: the storefront's quote and the admin
shipping API, the shipping pages at /dashboard/shipping/ and their Settings entries."""

from haat.accounts.roles import Perm
from haat.core.registry import ApiRoutes, Contribution, NavEntry, Pages, register
from haat.shipping import api, audit_words, dashboard_urls

register(
    Contribution(
        label="shipping",
        api=(ApiRoutes("/store/", api.store_router), ApiRoutes("/admin/", api.admin_router)),
        dashboard=Pages(dashboard_urls, namespace="shipping", prefix="shipping/"),
        nav=(
            NavEntry(
                "Shipping", "shipping:zone_list", Perm.ORDERS_VIEW, "Settings", "⇢", order=915
            ),
        ),
        audit=audit_words.WORDS,
    )
)
