"""What the accounts context adds to the front doors: the staff and API-key API, the
sign-in, password, staff, role, API-key and E-mail log pages, and their Settings entries."""

from haat.accounts import api, audit_words, dashboard_urls, selectors
from haat.accounts.roles import Perm
from haat.core.registry import ApiRoutes, Badge, Contribution, NavEntry, Pages, register

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
            NavEntry(
                "E-mail log",
                "accounts:email_log",
                Perm.AUDIT_VIEW,
                "Settings",
                "✉",
                order=975,
                # Failed staff e-mails of the last day: nobody got that invitation or reset.
                badge=Badge(
                    count=selectors.failed_staff_emails,
                    title=lambda n: f"{n} e-mail{'s' if n != 1 else ''} failed in the last day",
                ),
            ),
        ),
        audit=audit_words.WORDS,
    )
)
