"""Small helpers shared by the adapters."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from haat.core.store import store
from haat.gateways.error_codes import GatewayErrorCode
from haat.gateways.errors import InvalidSignature


def currency_of(obj: Any) -> str:
    """The ISO code of a Payment/Refund/Order whether `currency` is a code or a FK."""
    code = getattr(obj, "currency_id", None) or getattr(obj, "currency", "")
    return str(getattr(code, "code", code)).upper()


def store_name() -> str:
    return store().name


def from_unix(value: Any) -> datetime | None:
    try:
        return datetime.fromtimestamp(int(value), tz=UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        return None


def load_json(body: bytes) -> dict[str, Any]:
    """The event body as a dict, or InvalidSignature-grade rejection for non-JSON."""
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise InvalidSignature(
            "The webhook body is not JSON.", code=GatewayErrorCode.INVALID_BODY
        ) from None
    if not isinstance(data, dict):
        raise InvalidSignature(
            "The webhook body is not a JSON object.", code=GatewayErrorCode.INVALID_BODY
        )
    return data


def dig(data: Any, *path: str) -> Any:
    """data[p0][p1]... or None when any step is missing (webhook payloads vary)."""
    for key in path:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


def header(headers: dict[str, str], name: str) -> str:
    """A header value by case-insensitive name ('' when absent)."""
    wanted = name.lower()
    for key, value in headers.items():
        if key.lower() == wanted:
            return value
    return ""
