"""Domain errors with stable codes.

Services raise these; the API turns them into `{"error": {"code", "message", "details"}}`
with the class's HTTP status, and the dashboard shows `message` as a flash message.

`details["field"]` names the refused value in one style everywhere (API schema errors,
services, imports): dotted keys and bracketed list indices, `lines[0].quantity`,
`shipping_address.postal_code`, `cod_fee.INR`. `field_path` builds it from parts.

400 or 422 (docs/api.md): 400 only when the request cannot be read at all (a body that is
not JSON, a webhook whose signature fails); a request that was read but carries a refused
value, in its body, query string or path, is a ValidationError, 422.

Codes are `ErrorCode` members (core.error_codes), never free strings: a class whose `code`
is not one fails when it is defined, an error raised with another code fails when it is
built (TypeError), and so does a code raised with a status other than the one it declares.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from haat.core.error_codes import CoreError, ErrorCode


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

    code: ErrorCode = CoreError.ERROR
    http_status = 400

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        _check_code(cls.code, cls.http_status, cls.__name__)

    def __init__(
        self,
        message: str,
        *,
        code: ErrorCode | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            _check_code(code, self.http_status, type(self).__name__)
            self.code = code
        self.details = details or {}

    def as_body(self) -> dict[str, Any]:
        return {"error": {"code": self.code, "message": self.message, "details": self.details}}


def _check_code(code: object, http_status: int, raiser: str) -> None:
    """A programming error, caught by the first test that raises it: a free-string code, or a
    code raised with another status than the one its enum declares."""
    if not isinstance(code, ErrorCode):
        raise TypeError(f"{raiser}: error code {code!r} is not an ErrorCode member")
    if code.http_status is not None and code.http_status != http_status:
        raise TypeError(
            f"{raiser}: {type(code).__name__}.{code.name} is a {code.http_status}, "
            f"not a {http_status}"
        )


class ValidationError(DomainError):
    code = CoreError.INVALID
    http_status = 422


class AuthenticationError(DomainError):
    code = CoreError.NOT_AUTHENTICATED
    http_status = 401


class PermissionDenied(DomainError):
    code = CoreError.PERMISSION_DENIED
    http_status = 403


class NotFound(DomainError):
    code = CoreError.NOT_FOUND
    http_status = 404


class Conflict(DomainError):
    """Out of stock, duplicate, illegal transition, stale version."""

    code = CoreError.CONFLICT
    http_status = 409


class RateLimited(DomainError):
    code = CoreError.RATE_LIMITED
    http_status = 429
