"""Error codes are enumerations: one `ErrorCode` per context, in `<context>/error_codes.py`.

A code is the stable part of an error body (`{"error": {"code", "message", "details"}}`):
integrators branch on it, so it is declared once, in the context that owns the rule, with
the HTTP status it always has (None when the raise site decides) and one line for the docs::

    class CatalogError(ErrorCode):
        DUPLICATE_SKU = "duplicate_sku", 409, "Another variant already uses this SKU."

`DomainError` refuses any other code (TypeError), so a free string cannot come back; the
table in docs/api.md is generated from these enums (`haat manage error_codes`). The codes
below are core's: the generic ones every context and the front doors use, and those of
core's own rules (currencies, money, idempotency, the store's address).
"""

from __future__ import annotations

import pkgutil
from enum import StrEnum
from importlib import import_module
from importlib.util import find_spec
from typing import Self

import haat


class ErrorCode(StrEnum):
    """Base of every context's error codes: the value is the code, plus status and description."""

    http_status: int | None
    description: str

    def __new__(cls, value: str, http_status: int | None, description: str) -> Self:
        member = str.__new__(cls, value)
        member._value_ = value
        member.http_status = http_status
        member.description = description
        return member


def registered() -> list[type[ErrorCode]]:
    """Every context's enum: core's first, then by package name (imports each context's
    `error_codes` module, so the list is complete however little else has been imported)."""
    for info in pkgutil.iter_modules(haat.__path__):
        name = f"haat.{info.name}.error_codes"
        if info.ispkg and find_spec(name) is not None:
            import_module(name)
    found = [cls for cls in ErrorCode.__subclasses__() if cls.__module__.startswith("haat.")]
    return sorted(found, key=lambda cls: (cls is not CoreError, cls.__module__))


class CoreError(ErrorCode):
    """Generic codes (any context, the API's own handlers) and core's own rules."""

    ERROR = "error", None, "An error with no more specific code."
    INVALID = "invalid", 422, "A value was read but refused; `details.field` names it."
    REQUIRED = "required", 422, "A required value is missing; `details.field` names it."
    INVALID_CHARACTERS = (
        "invalid_characters",
        422,
        "A NUL byte or an unpaired surrogate in the path, query string or body.",
    )
    MALFORMED_REQUEST = (
        "malformed_request",
        400,
        "The request cannot be read at all (the body is not JSON or not UTF-8).",
    )
    NOT_AUTHENTICATED = "not_authenticated", 401, "Missing or invalid key or session."
    PERMISSION_DENIED = "permission_denied", 403, "The key's role may not do this."
    NOT_FOUND = "not_found", 404, "No such object, endpoint, or not for sale."
    CONFLICT = "conflict", 409, "The request conflicts with the current state."
    PAYLOAD_TOO_LARGE = "payload_too_large", 413, "The body is larger than the upload limit."
    RATE_LIMITED = "rate_limited", 429, "Too many requests; `Retry-After` says when to retry."
    INTERNAL_ERROR = "internal_error", 500, "Something went wrong on Haat's side; it is logged."
    HTTP_ERROR = "http_error", None, "Any other HTTP error the API framework answers itself."
    LINE_NOT_FOUND = (
        "line_not_found",
        404,
        "No such line (of a cart or of an order): one string, two contexts' lines.",
    )
    INVALID_CSV = (
        "invalid_csv",
        422,
        "Not valid CSV, or a row with more or fewer cells than the header.",
    )
    NO_DEFAULT_CURRENCY = "no_default_currency", 404, "The store has no default currency."
    UNKNOWN_CURRENCY = "unknown_currency", None, "Not a currency this store knows."
    CURRENCY_DISABLED = "currency_disabled", 422, "The currency is not enabled in this store."
    CURRENCY_IS_DEFAULT = (
        "currency_is_default",
        422,
        "The default currency stays enabled and default until another becomes the default.",
    )
    DUPLICATE_CURRENCY = "duplicate_currency", 422, "A currency is given twice."
    CURRENCY_MISMATCH = "currency_mismatch", 422, "Amounts in different currencies were mixed."
    INVALID_AMOUNT = "invalid_amount", 422, "Not a number or a percentage."
    AMOUNT_TOO_LARGE = "amount_too_large", 422, "The amount is too large."
    TOO_MANY_DECIMALS = (
        "too_many_decimals",
        422,
        "More decimal places than the currency has.",
    )
    INVALID_IDEMPOTENCY_KEY = (
        "invalid_idempotency_key",
        422,
        "The Idempotency-Key header is not 1 to 255 printable characters.",
    )
    IDEMPOTENCY_KEY_REUSED = (
        "idempotency_key_reused",
        422,
        "An Idempotency-Key was reused with a different request.",
    )
    INVALID_STATE = "invalid_state", 422, "Not an Indian state or union territory."
    INVALID_GSTIN = "invalid_gstin", 422, "Not a valid GSTIN for the store's state."
    EVENT_NOT_FOUND = "event_not_found", 404, "No outbox event with this id."
