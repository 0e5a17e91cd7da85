"""What the gateways context adds to the front doors: the admin gateways API, the gateway
settings page at /dashboard/payments/gateways/, and the public webhook endpoints and test
gateway page (`gateways_public:` names, as `gateways:` names the dashboard pages)."""

from haat.accounts.roles import Perm
from haat.core.registry import ApiRoutes, Contribution, NavEntry, Pages, register
from haat.gateways import api, audit_words, dashboard_urls, urls

register(
    Contribution(
        label="gateways",
        api=(ApiRoutes("/admin/", api.admin_router),),
        dashboard=Pages(dashboard_urls, namespace="gateways"),
        public=Pages(urls, namespace="gateways_public"),
        nav=(
            NavEntry(
                "Gateways",
                "gateways:gateway_settings",
                Perm.PAYMENTS_MANAGE,
                "Settings",
                "⇄",
                order=910,
            ),
        ),
        audit=audit_words.WORDS,
    )
)
