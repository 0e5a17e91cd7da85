"""What the tax context adds to the front doors: the GST admin API and the Tax (GST) page
under Settings."""

from haat.accounts.roles import Perm
from haat.core.registry import ApiRoutes, Contribution, NavEntry, Pages, register
from haat.tax import api, audit_words, dashboard_urls

register(
    Contribution(
        label="tax",
        api=(ApiRoutes("/admin/", api.admin_router),),
        dashboard=Pages(dashboard_urls, namespace="tax", prefix="settings/tax/"),
        audit=audit_words.WORDS,
        nav=(
            NavEntry(
                "Tax (GST)", "tax:tax_settings", Perm.CATALOG_VIEW, "Settings", "%", order=895
            ),
        ),
    )
)
