"""What the payments context adds to the front doors: the storefront and admin payments API,
the payment settings, rules and COD remittance pages at /dashboard/payments/, the late
payments that need staff at /dashboard/late-payments/ (with a badge), the money
actions of an order page at /dashboard/orders/<number>/... (refund, cash collected,
availability answers), and the pay page for payment links at /pay/<order token>."""

from haat.accounts.roles import Perm
from haat.core.registry import ApiRoutes, Badge, Contribution, NavEntry, Pages, register
from haat.payments import api, audit_words, dashboard_urls, paypage, selectors


def _late_title(count: int) -> str:
    return (
        f"{count} late payment{'s' if count != 1 else ''} need{'s' if count == 1 else ''} attention"
    )


register(
    Contribution(
        label="payments",
        api=(ApiRoutes("/store/", api.store_router), ApiRoutes("/admin/", api.admin_router)),
        dashboard=Pages(dashboard_urls, namespace="payments"),
        public=Pages(paypage, namespace="paypage"),
        nav=(
            NavEntry(
                "Late payments",
                "payments:late_payments",
                Perm.ORDERS_VIEW,
                "Sales",
                "⚠",
                order=105,
                badge=Badge(selectors.needs_attention_count, _late_title),
            ),
            NavEntry(
                "COD remittance",
                "payments:cod_remittance",
                Perm.PAYMENTS_MANAGE,
                "Sales",
                "₹",
                order=110,
            ),
            NavEntry(
                "Payments",
                "payments:payment_settings",
                Perm.PAYMENTS_MANAGE,
                "Settings",
                "¤",
                order=900,
            ),
            NavEntry(
                "Payment rules",
                "payments:payment_rules",
                Perm.PAYMENTS_MANAGE,
                "Settings",
                "⚖",
                order=920,
            ),
        ),
        audit=audit_words.WORDS,
    )
)
