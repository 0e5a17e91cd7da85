"""Errors raised when talking to a payment gateway.

The provider's message is passed on (it helps staff fix a bad key or amount) but the
request, headers and credentials never are.
"""

from __future__ import annotations

from haat.core.errors import Conflict, DomainError, ValidationError


class GatewayError(DomainError):
    """The gateway answered with an error (4xx): a bad request, bad credentials."""

    code = "gateway_error"
    http_status = 502


class GatewayUnavailable(DomainError):
    """The gateway did not answer in time, or answered 5xx: try again later."""

    code = "gateway_unavailable"
    http_status = 503


class GatewayNotConfigured(Conflict):
    code = "gateway_not_configured"


class InvalidSignature(ValidationError):
    code = "invalid_signature"
    http_status = 400
