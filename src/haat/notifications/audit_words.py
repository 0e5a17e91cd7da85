"""How the audit log reads notification actions (see `haat.core.audit_words`)."""

from __future__ import annotations

from haat.core.audit_words import AuditWords, ObjectKind, Phrase

WORDS = AuditWords(
    phrases={
        "notifications.message_resent": Phrase(
            "sent {object} again", fields={"recipient": "To", "error": "Last error"}
        ),
        "notifications.rule_updated": Phrase(
            "changed the message rule {object}",
            fields={
                "enabled": "Switched on",
                "payment_types": "Payment types",
                "min_order_value": "Minimum order value",
                "language": "Language",
            },
        ),
        "notifications.cod_answered": Phrase(
            "recorded the customer's answer to {object}",
            fields={"status": "Answer", "source": "How"},
        ),
        "notifications.cod_called": Phrase("handled {object} by phone", fields={"status": "State"}),
        "notifications.template_saved": Phrase(
            "edited the message template {object}", fields={"version": "Version"}
        ),
        "notifications.sms_ids_saved": Phrase(
            "changed the DLT and sender ids of the SMS template {object}",
            fields={
                "dlt_template_id": "DLT template id",
                "sender_id": "Sender id",
                "msg91_template_id": "MSG91 template id",
            },
        ),
        "notifications.provider_template_saved": Phrase(
            "changed the approved WhatsApp template {object} is sent as",
            fields={
                "name": "Approved template",
                "language": "Language at Meta",
                "body": "Parameters",
                "buttons": "Buttons",
            },
        ),
    },
    kinds=(
        ObjectKind("notifications.message", "a message"),
        ObjectKind("notifications.rule", "a message rule"),
        ObjectKind("notifications.template", "a message template"),
        ObjectKind("notifications.codconfirmation", "a COD confirmation"),
    ),
)
