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
