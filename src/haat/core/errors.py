"""Domain errors with stable codes.

Services raise these; the API turns them into `{"error": {"code", "message", "details"}}`
with the class's HTTP status, and the dashboard shows `message` as a flash message.
"""

from __future__ import annotations

from typing import Any


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
