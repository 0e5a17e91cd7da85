"""What the notifications context adds to the front doors: the admin API for messages,
rules and templates, and the Messages, Message rules and Message templates pages at
/dashboard/messages/ (with a badge counting recently failed messages), and the e-mail
providers' tracking webhooks at /webhooks/anymail/<provider>/tracking/, the SMS delivery
reports at /webhooks/sms/msg91/ and /webhooks/sms/twilio/, the WhatsApp webhook at
/webhooks/whatsapp and the customer's COD confirmation and unsubscribe pages."""

from haat.accounts.roles import Perm
from haat.core.registry import ApiRoutes, Badge, Contribution, NavEntry, Pages, register
from haat.notifications import api, audit_words, dashboard_urls, public_urls, selectors

register(
    Contribution(
        label="notifications",
        api=(ApiRoutes("/admin/", api.admin_router),),
        dashboard=Pages(dashboard_urls, namespace="notifications", prefix="messages/"),
        # The e-mail providers' tracking webhooks (anymail verifies them: set
        # ANYMAIL=WEBHOOK_SECRET=user:password), e.g. /webhooks/anymail/resend/tracking/,
        # the SMS delivery reports, the WhatsApp webhook and the customer's pages
        # (public_urls.py, one module for everything outside the dashboard and API).
        public=Pages(public_urls, namespace="notifications_public", prefix=""),
        nav=(
            NavEntry(
                "Messages",
                "notifications:message_list",
                Perm.ORDERS_VIEW,
                "Sales",
                "✉",
                order=130,
                badge=Badge(
                    count=selectors.failed_recently,
                    title=lambda n: f"{n} message{'s' if n != 1 else ''} failed recently",
                ),
            ),
            NavEntry(
                "COD to confirm",
                "notifications:cod_queue",
                Perm.ORDERS_VIEW,
                "Sales",
                "☎",
                order=131,
                badge=Badge(
                    count=selectors.cod_to_call,
                    title=lambda n: f"{n} cash-on-delivery order{'s' if n != 1 else ''} to call",
                ),
            ),
            NavEntry(
                "Message rules",
                "notifications:rule_list",
                Perm.ORDERS_VIEW,
                "Settings",
                "⇄",
                order=925,
            ),
            NavEntry(
                "Message templates",
                "notifications:template_list",
                Perm.ORDERS_VIEW,
                "Settings",
                "✎",
                order=926,
            ),
        ),
        audit=audit_words.WORDS,
    )
)
