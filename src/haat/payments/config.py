"""Payment settings: reading the one row and changing it (validated, audited).

Per-currency amounts are stored as `{"INR": 14900, "USD": 300}` in minor units and must
name enabled currencies; forms enter major units and parse them with `Money.from_decimal`.

`payment_config()` is what payment options and checkout decide by: the settings row and
the rules as one value, kept per process and reloaded when the settings stamp moved
(`haat.core.settings_stamp`), so the options a shopper is shown and the fee checkout
charges come from the same data, in every process, from the commit of a change on.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction

from haat.core.audit import diff, record_audit
from haat.core.error_codes import CoreError
from haat.core.errors import Conflict, ValidationError
from haat.core.models import Currency
from haat.core.money import MAX_MINOR_UNITS, Money
from haat.core.settings_stamp import NOT_READ, Stamped
from haat.gateways.adapters import get_gateway
from haat.gateways.credentials import is_configured
from haat.gateways.error_codes import GatewayErrorCode
from haat.gateways.types import Gateway
from haat.payments.models import PartialCodRule, PaymentMethodRule, PaymentSettings

MAX_RESERVE_WINDOW_HOURS = 720  # a reservation waits at most 30 days for payment

AMOUNT_FIELDS = ("partial_cod_minimum", "cod_fee", "cod_max_order_value", "express_fee")
BOOL_FIELDS = (
    "prepaid_enabled",
    "cod_enabled",
    "partial_cod_enabled",
    "reserve_and_pay_enabled",
    "cod_fee_upfront",
    "test_gateway_enabled",
    "revive_late_paid_orders",
)
GATEWAY_CODES = ("razorpay", "stripe", "test")
DEFAULT_EXPRESS_FEE = {"INR": 14900}
DEFAULT_PARTIAL_COD_MINIMUM = {"INR": 9900}


def get_settings() -> PaymentSettings:
    """The settings row, created with the defaults on first use."""
    obj, _ = PaymentSettings.objects.get_or_create(
        pk=1,
        defaults={
            "express_fee": dict(DEFAULT_EXPRESS_FEE),
            "partial_cod_minimum": dict(DEFAULT_PARTIAL_COD_MINIMUM),
        },
    )
    return obj


@dataclass(frozen=True)
class PaymentConfig:
    """The payment settings and every payment-method and partial-COD rule, as loaded
    together. Shared by a process's threads: read it, never change it."""

    settings: PaymentSettings
    method_rules: tuple[PaymentMethodRule, ...]
    partial_cod_rules: tuple[PartialCodRule, ...]  # by min_order_value, id

    def express_fee(self, currency: str) -> Money:
        """The express-sourcing fee in `currency` (zero: not offered there)."""
        return self.settings.amount("express_fee", currency)


def _load_config() -> PaymentConfig:
    return PaymentConfig(
        settings=get_settings(),
        method_rules=tuple(PaymentMethodRule.objects.all()),
        partial_cod_rules=tuple(PartialCodRule.objects.order_by("min_order_value", "id")),
    )


_config = Stamped(_load_config)


def payment_config(*, stamp: int | None = NOT_READ) -> PaymentConfig:
    """The current `PaymentConfig`. Pass `stamp=` when the settings stamp was read
    already (checkout reads it with its lines): no query then unless it moved, when the
    settings and rules are read again (three queries); without it, one query for the
    stamp."""
    return _config.get(stamp=stamp)


def snapshot(obj: PaymentSettings) -> dict[str, Any]:
    return {
        **{f: getattr(obj, f) for f in BOOL_FIELDS + AMOUNT_FIELDS},
        "partial_cod_percent": str(obj.partial_cod_percent),
        "reserve_window_hours": obj.reserve_window_hours,
        "currency_gateways": obj.currency_gateways,
    }


def enabled_codes() -> set[str]:
    return set(Currency.objects.filter(enabled=True).values_list("code", flat=True))


def clean_amount_map(field: str, value: Any, enabled: set[str]) -> dict[str, int]:
    """`{"INR": 14900}`: enabled currencies only, whole non-negative minor units."""
    if not isinstance(value, dict):
        raise ValidationError(
            f"{field} must map currency codes to amounts in minor units.",
            details={"field": field},
        )
    out: dict[str, int] = {}
    for raw_code, amount in value.items():
        code = str(raw_code).strip().upper()
        if code not in enabled:
            raise ValidationError(
                f"{field}: {raw_code} is not an enabled currency.",
                code=CoreError.CURRENCY_DISABLED,
                details={"field": f"{field}.{raw_code}"},
            )
        if isinstance(amount, bool) or not isinstance(amount, int):
            raise ValidationError(
                f"{field}.{code} must be a whole number of minor units.",
                details={"field": f"{field}.{code}"},
            )
        if not 0 <= amount <= MAX_MINOR_UNITS:
            raise ValidationError(
                f"{field}.{code} must be between 0 and {MAX_MINOR_UNITS}.",
                details={"field": f"{field}.{code}"},
            )
        if amount:
            out[code] = amount
    return out


def amounts_from_decimal(field: str, value: dict[str, str]) -> dict[str, int]:
    """Form input in major units (`{"INR": "149.00"}`) → minor units; blank = not set."""
    out: dict[str, int] = {}
    for code, text in value.items():
        text = (text or "").strip()
        if not text:
            continue
        try:
            out[code] = Money.from_decimal(text, code).amount
        except ValidationError as exc:
            raise ValidationError(
                f"{field} ({code}): {exc.message}", details={"field": f"{field}.{code}"}
            ) from None
    return out


def clean_percent(value: Any, field: str = "partial_cod_percent") -> Decimal:
    try:
        percent = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValidationError(f"{field} must be a number.", details={"field": field}) from None
    if not percent.is_finite() or not 0 <= percent <= 100 or percent != round(percent, 2):
        raise ValidationError(
            f"{field} must be between 0 and 100 with at most 2 decimals.",
            details={"field": field},
        )
    return percent


def _clean(data: dict[str, Any], enabled: set[str]) -> dict[str, Any]:
    unknown = (
        set(data)
        - set(BOOL_FIELDS + AMOUNT_FIELDS)
        - {
            "partial_cod_percent",
            "reserve_window_hours",
            "currency_gateways",
        }
    )
    if unknown:
        name = sorted(unknown)[0]
        raise ValidationError(f"Unknown setting '{name}'.", details={"field": name})
    clean: dict[str, Any] = {}
    for f in BOOL_FIELDS:
        if f in data:
            if not isinstance(data[f], bool):
                raise ValidationError(f"{f} must be true or false.", details={"field": f})
            clean[f] = data[f]
    for f in AMOUNT_FIELDS:
        if f in data:
            clean[f] = clean_amount_map(f, data[f], enabled)
    if "partial_cod_percent" in data:
        clean["partial_cod_percent"] = clean_percent(data["partial_cod_percent"])
    if "reserve_window_hours" in data:
        hours = data["reserve_window_hours"]
        if (
            isinstance(hours, bool)
            or not isinstance(hours, int)
            or not 1 <= hours <= MAX_RESERVE_WINDOW_HOURS
        ):
            raise ValidationError(
                "reserve_window_hours must be a whole number "
                f"from 1 to {MAX_RESERVE_WINDOW_HOURS}.",
                details={"field": "reserve_window_hours"},
            )
        clean["reserve_window_hours"] = hours
    if "currency_gateways" in data:
        mapping = data["currency_gateways"]
        if not isinstance(mapping, dict):
            raise ValidationError(
                "currency_gateways must map currency codes to a gateway.",
                details={"field": "currency_gateways"},
            )
        gateways: dict[str, str] = {}
        for code, gateway in mapping.items():
            code = str(code).upper()
            if code not in enabled:
                raise ValidationError(
                    f"currency_gateways: {code} is not an enabled currency.",
                    details={"field": f"currency_gateways.{code}"},
                )
            if gateway in ("", None):
                continue
            if gateway not in GATEWAY_CODES:
                raise ValidationError(
                    f"currency_gateways.{code}: '{gateway}' is not one of "
                    f"{', '.join(GATEWAY_CODES)}.",
                    details={"field": f"currency_gateways.{code}"},
                )
            gateways[code] = gateway
        clean["currency_gateways"] = gateways
    return clean


def update_settings(*, data: dict[str, Any]) -> PaymentSettings:
    """Change some settings; everything is checked before anything is written."""
    clean = _clean(data, enabled_codes())
    with transaction.atomic():
        get_settings()
        obj = PaymentSettings.objects.select_for_update().get(pk=1)
        before = snapshot(obj)
        for field, value in clean.items():
            setattr(obj, field, value)
        obj.save()
        changes = diff(before, snapshot(obj))
        if changes:
            record_audit(action="payments.settings_update", obj=obj, changes=changes)
    return obj


def gateway_code_for_currency(currency: str, cfg: PaymentSettings | None = None) -> str:
    """The gateway that takes `currency`, or "" when none can.

    An explicit choice in settings wins; otherwise INR → Razorpay and others → Stripe
    when they have credentials, else the built-in test gateway if both the store setting
    (`test_gateway_enabled`, default on, shown with a TEST badge) and the server allow it.
    """
    cfg = cfg or get_settings()
    currency = currency.upper()
    chosen = cfg.currency_gateways.get(currency)
    if chosen == "test":
        return "test" if cfg.test_gateway_enabled and is_configured("test") else ""
    if chosen:
        return chosen if is_configured(chosen) else ""
    preferred = "razorpay" if currency == "INR" else "stripe"
    if is_configured(preferred):
        return preferred
    if cfg.test_gateway_enabled and is_configured("test"):
        return "test"
    return ""


def gateway_for_currency(currency: str) -> Gateway:
    """The adapter of the gateway that takes `currency` (`gateway_code_for_currency`);
    409 `gateway_not_configured` when none can."""
    code = gateway_code_for_currency(currency)
    if not code:
        raise Conflict(
            f"No payment gateway takes {currency} payments.",
            code=GatewayErrorCode.GATEWAY_NOT_CONFIGURED,
            details={"currency": currency},
        )
    return get_gateway(code)
