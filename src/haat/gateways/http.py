"""A small HTTP client for gateway APIs (standard library only).

Maps transport failures to `GatewayUnavailable` and provider errors to `GatewayError`,
carrying the provider's own message and nothing from the request (which holds secrets).
"""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from haat.gateways.errors import GatewayError, GatewayUnavailable

logger = logging.getLogger(__name__)


def timeout() -> float:
    """Seconds to wait for a gateway (setting `HAAT_GATEWAY_TIMEOUT_SECONDS`, default 10)."""
    return float(settings.HAAT_GATEWAY_TIMEOUT_SECONDS)


@dataclass(frozen=True)
class Response:
    status: int
    body: dict[str, Any]


def form_encode(data: dict[str, Any]) -> str:
    """Stripe's form encoding: nested dicts become `metadata[order]=...`, lists `a[0]=`."""
    pairs: list[tuple[str, str]] = []

    def walk(prefix: str, value: Any) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                walk(f"{prefix}[{key}]" if prefix else str(key), item)
        elif isinstance(value, list | tuple):
            for index, item in enumerate(value):
                walk(f"{prefix}[{index}]", item)
        elif isinstance(value, bool):
            pairs.append((prefix, "true" if value else "false"))
        elif value is not None:
            pairs.append((prefix, str(value)))

    walk("", data)
    return urllib.parse.urlencode(pairs)


def call(
    provider: str,
    method: str,
    url: str,
    *,
    headers: dict[str, str],
    json_body: dict[str, Any] | None = None,
    form_body: dict[str, Any] | None = None,
    error_message: Any = None,
) -> Response:
    """Send one request; return the decoded JSON body of a 2xx answer.

    `error_message(body) -> str` extracts the provider's message from an error body.
    """
    data: bytes | None = None
    headers = {"Accept": "application/json", "User-Agent": "haat", **headers}
    if json_body is not None:
        data = json.dumps(json_body).encode()
        headers["Content-Type"] = "application/json"
    elif form_body is not None:
        data = form_encode(form_body).encode()
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    if urllib.parse.urlsplit(url).scheme not in ("https", "http"):
        raise GatewayError(
            f"{provider} API base must be an http(s) URL.", details={"provider": provider}
        )
    request = urllib.request.Request(url, data=data, method=method, headers=headers)  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=timeout()) as answer:  # noqa: S310
            return Response(answer.status, _decode(answer.read()))
    except urllib.error.HTTPError as exc:
        body = _decode(exc.read())
        message = (error_message(body) if error_message else "") or f"HTTP {exc.code}"
        details = {"provider": provider, "status": exc.code}
        logger.warning(
            "%s answered %s to %s %s: %s", provider, exc.code, method, _path(url), message
        )
        if exc.code >= 500:
            raise GatewayUnavailable(
                f"{provider} is not available right now ({message}). Please try again.",
                details=details,
            ) from None
        raise GatewayError(f"{provider} refused the request: {message}", details=details) from None
    except (TimeoutError, urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        logger.warning("%s unreachable for %s %s: %s", provider, method, _path(url), reason)
        raise GatewayUnavailable(
            f"{provider} did not answer in time. Please try again.",
            details={"provider": provider, "status": None},
        ) from None


def _decode(raw: bytes) -> dict[str, Any]:
    try:
        value = json.loads(raw or b"{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {"data": value}


def _path(url: str) -> str:
    """The URL without its query string (which might carry identifiers) for logs."""
    return urllib.parse.urlsplit(url).path
