"""Shiprocket's courier serviceability API, and the store's Shiprocket API user.

Protocol (apidocs.shiprocket.in, docs/api.md): `POST /auth/login {email, password}` with a
separate *API user* returns `{"token": <JWT>}`, valid ten days, sent as `Authorization:
Bearer`; `GET /courier/serviceability?pickup_postcode&delivery_postcode&weight&cod` returns
`{"status": 200, "data": {"available_courier_companies": [{"courier_name", "cod", "etd",
"estimated_delivery_days", ...}]}}`, or a 404 / an empty list when no courier reaches the
PIN. Weight is in kilograms.

The token is kept encrypted on the account row and renewed a day before it expires, or at
once when Shiprocket answers 401. Answers are cached per (pickup, PIN, weight band) for a
few hours, so a cart that is re-quoted does not call Shiprocket each time.
"""

from __future__ import annotations

import datetime
import json
import logging
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from haat.core import crypto
from haat.core.audit import record_audit
from haat.core.errors import DomainError, ValidationError
from haat.shipping.error_codes import ShippingError
from haat.shipping.models import ShiprocketAccount

logger = logging.getLogger(__name__)

_SALT = b"haat.shipping.v1"
_PASSWORD = "shiprocket-password"
_TOKEN = "shiprocket-token"
TOKEN_LIFETIME = datetime.timedelta(days=10)
RENEW_BEFORE = datetime.timedelta(days=1)
CACHE_SECONDS = 6 * 3600
WEIGHT_BAND_GRAMS = 500


class ShiprocketFailed(DomainError):
    code = ShippingError.SHIPROCKET_FAILED
    http_status = 502


class _Unauthorized(Exception):
    pass


@dataclass(frozen=True)
class CourierAnswer:
    """Whether any courier reaches the PIN, and whether any of them collects cash."""

    prepaid: bool
    cod: bool
    days: int | None  # the fastest courier's estimate, when Shiprocket gives one


# --- the account -------------------------------------------------------------------------
def account() -> ShiprocketAccount | None:
    """The enabled account with credentials, or None (Shiprocket is not configured)."""
    row = ShiprocketAccount.objects.filter(pk=1).first()
    if row is None or not row.is_enabled or not row.email or not row.password_encrypted:
        return None
    return row


def save_account(
    *, email: str, password: str | None, pickup_postcode: str, is_enabled: bool
) -> ShiprocketAccount:
    """Store the API user; `password` None or "" keeps the stored one. The token is dropped
    whenever the user changes, so the next call logs in afresh."""
    email = (email or "").strip()
    pickup = (pickup_postcode or "").strip()
    if is_enabled and not email:
        raise ValidationError("Enter the Shiprocket API user's e-mail.", details={"field": "email"})
    if pickup and not (pickup.isdigit() and len(pickup) == 6):
        raise ValidationError(
            "The pickup PIN code has six digits.", details={"field": "pickup_postcode"}
        )
    if is_enabled and not pickup:
        raise ValidationError(
            "Enter the PIN code parcels are picked up from.", details={"field": "pickup_postcode"}
        )
    with transaction.atomic():
        row, _ = ShiprocketAccount.objects.select_for_update().get_or_create(pk=1)
        if is_enabled and not password and not row.password_encrypted:
            raise ValidationError(
                "Enter the Shiprocket API user's password.", details={"field": "password"}
            )
        changed = row.email != email or bool(password)
        row.email, row.pickup_postcode, row.is_enabled = email, pickup, is_enabled
        if password:
            row.password_encrypted = crypto.encrypt(password, label=_PASSWORD, salt=_SALT)
        if changed:
            row.token_encrypted, row.token_expires_at = "", None
        row.save()
        record_audit(
            action="shipping.shiprocket.update",
            obj=row,
            object_repr="Shiprocket",
            changes={"email": email, "pickup_postcode": pickup, "is_enabled": is_enabled}
            | ({"password": "changed"} if password else {}),
        )
    return row


# --- HTTP --------------------------------------------------------------------------------
def _request(
    method: str, path: str, *, token: str = "", query: dict | None = None, body: Any = None
) -> dict[str, Any]:
    url = settings.HAAT_SHIPROCKET_API_BASE.rstrip("/") + path
    if urllib.parse.urlsplit(url).scheme not in ("https", "http"):
        raise ShiprocketFailed("The Shiprocket API base must be an http(s) URL.")
    if query:
        url += "?" + urllib.parse.urlencode(query)
    headers = {"Accept": "application/json", "User-Agent": "haat"}
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(url, data=data, method=method, headers=headers)  # noqa: S310
    timeout = float(settings.HAAT_SHIPROCKET_TIMEOUT_SECONDS)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:  # noqa: S310
            return _decode(answer.read())
    except urllib.error.HTTPError as exc:
        answer_body = _decode(exc.read())
        if exc.code == 401:
            raise _Unauthorized from None
        if exc.code == 404 and path.startswith("/courier/serviceability"):
            return answer_body | {"status": 404}  # "no courier for this PIN" comes as a 404
        message = str(answer_body.get("message") or f"HTTP {exc.code}")
        logger.warning("Shiprocket answered %s to %s %s: %s", exc.code, method, path, message)
        raise ShiprocketFailed(f"Shiprocket refused the request: {message}") from None
    except (TimeoutError, urllib.error.URLError, OSError) as exc:
        logger.warning("Shiprocket unreachable for %s %s: %s", method, path, exc)
        raise ShiprocketFailed("Shiprocket did not answer in time.") from None


def _decode(raw: bytes) -> dict[str, Any]:
    try:
        value = json.loads(raw or b"{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _login(row: ShiprocketAccount) -> str:
    password = crypto.decrypt(row.password_encrypted, label=_PASSWORD, salt=_SALT)
    try:
        body = _request("POST", "/auth/login", body={"email": row.email, "password": password})
    except _Unauthorized:
        raise ShiprocketFailed("Shiprocket refused the API user's e-mail or password.") from None
    token = str(body.get("token") or "")
    if not token:
        raise ShiprocketFailed("Shiprocket's login answer carried no token.")
    ShiprocketAccount.objects.filter(pk=row.pk).update(
        token_encrypted=crypto.encrypt(token, label=_TOKEN, salt=_SALT),
        token_expires_at=timezone.now() + TOKEN_LIFETIME,
    )
    return token


def _token(row: ShiprocketAccount, *, fresh: bool = False) -> str:
    usable = (
        not fresh
        and row.token_encrypted
        and row.token_expires_at
        and row.token_expires_at - RENEW_BEFORE > timezone.now()
    )
    if usable:
        try:
            return crypto.decrypt(row.token_encrypted, label=_TOKEN, salt=_SALT)
        except crypto.InvalidToken:
            pass  # SECRET_KEY changed: log in again
    return _login(row)


def _kilograms(grams: int) -> str:
    """Shiprocket's `weight` (kg); the band's upper edge, so cached answers stay right."""
    band = max(1, -(-grams // WEIGHT_BAND_GRAMS)) * WEIGHT_BAND_GRAMS
    return str(Decimal(band) / 1000)


def check_pin(row: ShiprocketAccount, *, pin: str, weight_grams: int) -> CourierAnswer:
    """Ask Shiprocket which couriers reach `pin` from the pickup PIN (cached)."""
    weight = _kilograms(weight_grams)
    key = f"shipping:shiprocket:{row.pickup_postcode}:{pin}:{weight}"
    cached = cache.get(key)
    if cached is not None:
        return CourierAnswer(*cached)
    query = {
        "pickup_postcode": row.pickup_postcode,
        "delivery_postcode": pin,
        "weight": weight,
        "cod": 0,
    }
    try:
        body = _request("GET", "/courier/serviceability", token=_token(row), query=query)
    except _Unauthorized:  # the token was revoked or expired early: log in once more
        try:
            body = _request(
                "GET", "/courier/serviceability", token=_token(row, fresh=True), query=query
            )
        except _Unauthorized:
            raise ShiprocketFailed("Shiprocket refused a fresh login token.") from None
    answer = _parse(body)
    cache.set(key, (answer.prepaid, answer.cod, answer.days), CACHE_SECONDS)
    return answer


def _parse(body: dict[str, Any]) -> CourierAnswer:
    data = body.get("data") if body.get("status", 200) == 200 else None
    couriers = data.get("available_courier_companies") if isinstance(data, dict) else None
    couriers = [c for c in couriers or [] if isinstance(c, dict)]
    days = [
        int(c["estimated_delivery_days"])
        for c in couriers
        if str(c.get("estimated_delivery_days", "")).isdigit()
    ]
    return CourierAnswer(
        prepaid=bool(couriers),
        cod=any(str(c.get("cod", 0)) in ("1", "True", "true") for c in couriers),
        days=min(days) if days else None,
    )


def test_connection() -> None:
    """Log in with the stored user now (raises ShiprocketFailed with Shiprocket's reason)."""
    row = ShiprocketAccount.objects.filter(pk=1).first()
    if row is None or not row.email or not row.password_encrypted:
        raise ValidationError("Save the Shiprocket API user first.", details={"field": "email"})
    _login(row)
