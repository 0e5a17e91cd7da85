"""The payment gateways' error codes (gateway calls, webhooks, amounts a gateway takes)."""

from __future__ import annotations

from haat.core.error_codes import ErrorCode


class GatewayErrorCode(ErrorCode):
    GATEWAY_ERROR = "gateway_error", 502, "The gateway refused the request (a 4xx answer)."
    GATEWAY_UNAVAILABLE = (
        "gateway_unavailable",
        503,
        "The gateway did not answer in time or answered 5xx; try again later.",
    )
    GATEWAY_NOT_CONFIGURED = (
        "gateway_not_configured",
        409,
        "The gateway for this currency has no credentials.",
    )
    LINKS_NOT_SUPPORTED = (
        "links_not_supported",
        409,
        "This gateway cannot make a payment link; Haat's own pay page is used.",
    )
    NOT_REFUNDABLE = "not_refundable", 422, "The payment has no gateway payment to refund."
    AMOUNT_TOO_SMALL = "amount_too_small", 422, "Below the gateway's smallest amount."
    UNSUPPORTED_AMOUNT = (
        "unsupported_amount",
        422,
        "The gateway cannot express this amount in its units for the currency.",
    )
    SECRET_UNREADABLE = (
        "secret_unreadable",
        500,
        "A stored gateway secret cannot be decrypted with this server's key.",
    )
    INVALID_SIGNATURE = "invalid_signature", 400, "A webhook's signature does not verify."
    INVALID_BODY = "invalid_body", 400, "A webhook's body is not a JSON object."
    NOT_CONFIGURED = "not_configured", 400, "No webhook secret is configured for the gateway."
    STALE_SIGNATURE = "stale_signature", 400, "A webhook's signed timestamp is too old."
    UNKNOWN_GATEWAY = "unknown_gateway", 400, "A webhook for a gateway Haat does not know."
