"""Rate limits on the API (`haat.core.ratelimit` scopes, set in HAAT_RATE_LIMITS).

- Storefront (`/api/v1/store/`): per client IP (`store_ip`) and per publishable key
  (`store_key`); checkouts (cart checkout and buy now) also per client IP
  (`checkout_ip`) and per customer (`checkout_customer`: the e-mail, else the phone,
  else the cart), so one abuser is stopped without locking out an office behind one IP.
- Admin (`/api/v1/admin/`): per secret key or signed-in staff member (`admin_key`).

Over a limit the reply is 429 `rate_limited` with `Retry-After` (ninja sets the header
from `wait()`; api.errors writes the body, naming the limit kept on the request).
Throttles run after authentication, so an unauthenticated caller is a 401 first.
"""

from __future__ import annotations

import json
import threading

from django.http import HttpRequest
from ninja.throttling import BaseThrottle

from haat.core.context import client_ip
from haat.core.ratelimit import hit

STORE_PREFIX = "/api/v1/store/"
ADMIN_PREFIX = "/api/v1/admin/"


def _customer(request: HttpRequest) -> str:
    """Who is checking out: the body's e-mail, else its phone, else the cart token."""
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        body = None
    if isinstance(body, dict):
        for field in ("email", "phone"):
            value = body.get(field)
            if isinstance(value, str) and value.strip():
                return f"{field}:{value.strip().lower()[:254]}"
    parts = request.path.split("/")
    return f"cart:{parts[-2]}" if "carts" in parts else ""


def _caller(request: HttpRequest) -> str:
    who = getattr(request, "auth", None)
    api_key = getattr(who, "api_key", None)
    if api_key is not None:
        return f"key:{api_key.pk}"
    user = getattr(who, "user", None)
    return f"user:{user.pk}" if user is not None else ""


def _scopes(request: HttpRequest) -> list[tuple[str, str]]:
    """(scope, key) pairs this request counts against, in order."""
    ip = client_ip(request) or ""
    path = request.path
    if path.startswith(STORE_PREFIX):
        key = str(getattr(getattr(request, "auth", None), "pk", "") or "")
        scopes = [("store_ip", ip), ("store_key", key)]
        if request.method == "POST" and path.endswith("/checkout"):
            scopes += [("checkout_ip", ip), ("checkout_customer", _customer(request))]
        return scopes
    if path.startswith(ADMIN_PREFIX):
        return [("admin_key", _caller(request))]
    return []


class ClientThrottle(BaseThrottle):
    """Counts each API request against its scopes (one instance serves every thread, so
    the wait of the refused request is kept per thread for ninja's `wait()`)."""

    def __init__(self) -> None:
        self._local = threading.local()

    def allow_request(self, request: HttpRequest) -> bool:
        for scope, key in _scopes(request):
            wait = hit(scope, key)
            if wait is not None:
                self._local.wait = wait
                request.rate_limit = scope  # type: ignore[attr-defined]
                return False
        return True

    def wait(self) -> float | None:
        return getattr(self._local, "wait", None)
