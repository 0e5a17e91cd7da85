"""What the accounts context adds to the front doors: the staff and API-key API, the
sign-in, password, staff, role and API-key pages, and their Settings entries."""

from haat.accounts import api, dashboard_urls
from haat.accounts.roles import Perm
from haat.core.registry import ApiRoutes, Contribution, NavEntry, Pages, register

register(
    Contribution(
        label="accounts",
        api=(ApiRoutes("/admin/", api.admin_router),),
        dashboard=Pages(dashboard_urls, namespace="accounts"),
        nav=(
            NavEntry("Staff", "accounts:staff_list", Perm.STAFF_MANAGE, "Settings", "☺", order=940),
            NavEntry(
                "API keys",
                "accounts:api_key_list",
                Perm.API_KEYS_MANAGE,
                "Settings",
                "✱",
                order=950,
            ),
            NavEntry("Roles", "accounts:roles", Perm.STAFF_MANAGE, "Settings", "◐", order=960),
        ),
    )
)
