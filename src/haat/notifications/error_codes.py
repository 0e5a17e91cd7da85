"""The notifications context's error codes (messages, rules, templates)."""

from __future__ import annotations

from haat.core.error_codes import ErrorCode


class NotificationError(ErrorCode):
    MESSAGE_NOT_FOUND = "message_not_found", 404, "No message with this id."
    NOT_RESENDABLE = (
        "message_not_resendable",
        409,
        "Only a failed message can be sent again; this one is queued, sending or sent.",
    )
    RULE_NOT_FOUND = "rule_not_found", 404, "No message rule with this id."
    TEMPLATE_NOT_FOUND = "template_not_found", 404, "No message template with this id."
    TEMPLATE_INVALID = (
        "template_invalid",
        422,
        "The template uses an unknown variable, an unsafe construct or has a syntax error.",
    )
    SMS_NOT_READY = (
        "sms_not_ready",
        422,
        "An SMS rule cannot be switched on: SMS is not set up, or a template it uses has no "
        "DLT template id (or no MSG91 template id with MSG91).",
    )
    SMS_CALLBACK_UNAUTHORIZED = (
        "sms_callback_unauthorized",
        401,
        "The MSG91 delivery report did not carry the webhook token (HAAT_MSG91_WEBHOOK_TOKEN).",
    )
    SMS_SIGNATURE_INVALID = (
        "sms_signature_invalid",
        403,
        "The Twilio status callback's X-Twilio-Signature does not match its URL and fields.",
    )
    WHATSAPP_NOT_READY = (
        "whatsapp_not_ready",
        422,
        "A WhatsApp rule cannot be switched on: WhatsApp is not set up "
        "(HAAT_WHATSAPP_PHONE_NUMBER_ID and HAAT_WHATSAPP_ACCESS_TOKEN).",
    )
    WHATSAPP_SIGNATURE_INVALID = (
        "whatsapp_signature_invalid",
        401,
        "A WhatsApp callback without a valid X-Hub-Signature-256 (or a wrong verify token).",
    )
    WHATSAPP_NOT_SET_UP = (
        "whatsapp_not_set_up",
        503,
        "WhatsApp callbacks are refused until HAAT_WHATSAPP_APP_SECRET is set.",
    )
    WHATSAPP_CALLBACK_INVALID = (
        "whatsapp_callback_invalid",
        400,
        "A signed WhatsApp callback whose body is not a JSON object (or is too large).",
    )
