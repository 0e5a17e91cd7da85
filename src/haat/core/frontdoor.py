"""What the core context adds to the front doors: the currencies and audit-log API and
pages, their Settings entries, and the home page's recent activity."""

from haat.accounts.roles import Perm
from haat.core import api, audit_phrases, dashboard_urls, selectors
from haat.core.registry import ApiRoutes, Contribution, HomeWidget, NavEntry, Pages, register

register(
    Contribution(
        label="core",
        api=(ApiRoutes("/admin/", api.admin_router),),
        dashboard=Pages(dashboard_urls, namespace="core"),
        nav=(
            NavEntry(
                "Store details",
                "core:store_details",
                Perm.STORE_MANAGE,
                "Settings",
                "⌂",
                order=890,
            ),
            NavEntry(
                "Currencies",
                "core:currency_list",
                Perm.CURRENCIES_MANAGE,
                "Settings",
                "¤",
                order=930,
            ),
            NavEntry("Audit log", "core:audit_log", Perm.AUDIT_VIEW, "Settings", "✎", order=970),
        ),
        widgets=(
            HomeWidget(
                "recent_activity",
                "core/_home_activity.html",
                selectors.recent_activity,
                Perm.AUDIT_VIEW,
                order=900,
                slot="panels",
            ),
        ),
        audit=audit_phrases.WORDS,
    )
)
