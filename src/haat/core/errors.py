"""Domain errors with stable codes.

Services raise these; the API turns them into `{"error": {"code", "message", "details"}}`
with the class's HTTP status, and the dashboard shows `message` as a flash message.

`details["field"]` names the refused value in one style everywhere (API schema errors,
services, imports): dotted keys and bracketed list indices, `lines[0].quantity`,
`shipping_address.postal_code`, `cod_fee.INR`. `field_path` builds it from parts.

400 or 422 (docs/api.md): 400 only when the request cannot be read at all (a body that is
not JSON, a webhook whose signature fails); a request that was read but carries a refused
value, in its body, query string or path, is a ValidationError, 422.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


def field_path(parts: Iterable[str | int]) -> str:
    """`("lines", 0, "quantity")` -> `lines[0].quantity`: keys dotted, list indices bracketed."""
    path = ""
    for part in parts:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else part
    return path


class DomainError(Exception):
    """Base for every error a person or an integrator should read."""

    code = "error"
    http_status = 400

    def __init__(
        self, message: str, *, code: str | None = None, details: dict[str, Any] | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.details = details or {}

    def as_body(self) -> dict[str, Any]:
        return {"error": {"code": self.code, "message": self.message, "details": self.details}}


class ValidationError(DomainError):
    code = "invalid"
    http_status = 422


class AuthenticationError(DomainError):
    code = "not_authenticated"
    http_status = 401


class PermissionDenied(DomainError):
    code = "permission_denied"
    http_status = 403


class NotFound(DomainError):
    code = "not_found"
    http_status = 404


class Conflict(DomainError):
    """Out of stock, duplicate, illegal transition, stale version."""

    code = "conflict"
    http_status = 409


class RateLimited(DomainError):
    code = "rate_limited"
    http_status = 429
