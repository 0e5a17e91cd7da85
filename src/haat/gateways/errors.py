"""Errors raised when talking to a payment gateway.

The provider's message is passed on (it helps staff fix a bad key or amount) but the
request, headers and credentials never are.
"""

from __future__ import annotations

from haat.core.errors import Conflict, DomainError, ValidationError
from haat.gateways.error_codes import GatewayErrorCode


class GatewayError(DomainError):
    """The gateway answered with an error (4xx): a bad request, bad credentials."""

    code = GatewayErrorCode.GATEWAY_ERROR
    http_status = 502


class GatewayUnavailable(DomainError):
    """The gateway did not answer in time, or answered 5xx: try again later."""

    code = GatewayErrorCode.GATEWAY_UNAVAILABLE
    http_status = 503


class GatewayNotConfigured(Conflict):
    code = GatewayErrorCode.GATEWAY_NOT_CONFIGURED


class InvalidSignature(ValidationError):
    code = GatewayErrorCode.INVALID_SIGNATURE
    http_status = 400
