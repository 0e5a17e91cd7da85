"""Which currencies the store sells in, which one is the default, and in what order.

Every ISO 4217 currency has a `Currency` row (seeded, disabled). Staff enable the ones
they price in; exactly one enabled currency is the default (the database enforces both).

Selectors read the table on every call: it is a handful of indexed rows, and reading it
keeps every web and worker process right the moment a currency is disabled, without a
shared-cache invalidation protocol.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q, QuerySet

from haat.core import settings_stamp, sql
from haat.core.audit import diff, record_audit
from haat.core.error_codes import CoreError
from haat.core.errors import NotFound, ValidationError
from haat.core.models import Currency

MAX_DISPLAY_ORDER = 1_000_000


# --- selectors ------------------------------------------------------------------------------
def enabled_currencies() -> list[Currency]:
    """Enabled currencies in display order (default first when orders tie)."""
    return list(
        Currency.objects.filter(enabled=True).order_by("display_order", "-is_default", "code")
    )


def default_currency() -> Currency:
    currency = Currency.objects.filter(is_default=True).first()
    if currency is None:  # only possible in a hand-edited database
        raise NotFound("No default currency is configured.", code=CoreError.NO_DEFAULT_CURRENCY)
    return currency


def get_enabled_currency(code: str) -> Currency:
    """The enabled currency `code`; a clear 422 for unknown or disabled codes."""
    normalized = (code or "").strip().upper()
    currency = Currency.objects.filter(code=normalized).first() if len(normalized) == 3 else None
    if currency is None:
        raise ValidationError(
            f"'{code}' is not a known ISO 4217 currency code.",
            code=CoreError.UNKNOWN_CURRENCY,
            details={"field": "currency", "currency": code},
        )
    if not currency.enabled:
        raise ValidationError(
            f"{currency.code} ({currency.name}) is not enabled in this store.",
            code=CoreError.CURRENCY_DISABLED,
            details={"field": "currency", "currency": currency.code},
        )
    return currency


def currency_sql(*, given: bool) -> sql.Fragment:
    """The currency whose code is the `%s` parameter (`given`), else the store's default,
    for a statement another context composes: its code and whether it is enabled (no row
    at all for an unknown code)."""
    return sql.Fragment(
        columns="core_cur.code, core_cur.enabled",
        joins="core_currency core_cur",
        width=2,
        where="core_cur.code = %s" if given else "core_cur.is_default",
        key="core_cur.code",
    )


def list_currencies(*, enabled: bool | None = None, q: str = "") -> QuerySet[Currency]:
    """All ISO currencies, optionally only enabled/disabled ones or matching `q`."""
    qs = Currency.objects.order_by("display_order", "code")
    if enabled is not None:
        qs = qs.filter(enabled=enabled)
    q = q.strip()
    if q:
        qs = qs.filter(Q(code__icontains=q) | Q(name__icontains=q))
    return qs


# --- services -------------------------------------------------------------------------------
def _snapshot(currency: Currency) -> dict:
    return {
        "enabled": currency.enabled,
        "is_default": currency.is_default,
        "display_order": currency.display_order,
    }


def _locked(code: str) -> Currency:
    normalized = (code or "").strip().upper()
    currency = Currency.objects.select_for_update().filter(code=normalized).first()
    if currency is None:
        raise NotFound(
            f"'{code}' is not a known ISO 4217 currency code.",
            code=CoreError.UNKNOWN_CURRENCY,
            details={"field": "code", "currency": code},
        )
    return currency


def _save(currency: Currency, before: dict, action: str) -> Currency:
    changes = diff(before, _snapshot(currency))
    if changes:
        currency.save(update_fields=list(changes))
        record_audit(action=action, obj=currency, changes=changes)
    return currency


def enable_currency(*, code: str) -> Currency:
    """Let prices and carts use `code`. Enabling an enabled currency changes nothing."""
    with transaction.atomic():
        currency = _locked(code)
        before = _snapshot(currency)
        currency.enabled = True
        return _save(currency, before, "currency.enabled")


def disable_currency(*, code: str) -> Currency:
    """Stop selling in `code`. The default currency cannot be disabled."""
    with transaction.atomic():
        currency = _locked(code)
        if currency.is_default:
            raise ValidationError(
                f"{currency.code} is the default currency; make another currency the "
                "default before disabling it.",
                code=CoreError.CURRENCY_IS_DEFAULT,
                details={"field": "enabled", "currency": currency.code},
            )
        before = _snapshot(currency)
        currency.enabled = False
        return _save(currency, before, "currency.disabled")


def set_default_currency(*, code: str) -> Currency:
    """Make the enabled currency `code` the store's default (the previous one stays enabled)."""
    with transaction.atomic():
        # Lock the old default before the new one; every caller takes them in this order.
        old = Currency.objects.select_for_update().filter(is_default=True).first()
        currency = _locked(code)
        if not currency.enabled:
            raise ValidationError(
                f"{currency.code} is not enabled; enable it before making it the default.",
                code=CoreError.CURRENCY_DISABLED,
                details={"field": "is_default", "currency": currency.code},
            )
        if old is not None and old.pk == currency.pk:
            return currency
        if old is not None:
            old_before = _snapshot(old)
            old.is_default = False
            _save(old, old_before, "currency.default_unset")
        before = _snapshot(currency)
        currency.is_default = True
        return _save(currency, before, "currency.default_set")


def set_display_order(*, codes: list[str]) -> list[Currency]:
    """Show currencies in the order of `codes` (positions 1..n); others keep their place."""
    normalized = [(c or "").strip().upper() for c in codes]
    if not normalized:
        raise ValidationError(
            "Give at least one currency code.", code=CoreError.INVALID, details={"field": "codes"}
        )
    duplicates = sorted({c for c in normalized if normalized.count(c) > 1})
    if duplicates:
        raise ValidationError(
            f"Each currency may appear once; repeated: {', '.join(duplicates)}.",
            code=CoreError.DUPLICATE_CURRENCY,
            details={"field": "codes", "currencies": duplicates},
        )
    with transaction.atomic():
        rows = {c.code: c for c in Currency.objects.select_for_update().filter(code__in=normalized)}
        unknown = [c for c in normalized if c not in rows]
        if unknown:
            raise ValidationError(
                f"Unknown currency codes: {', '.join(unknown)}.",
                code=CoreError.UNKNOWN_CURRENCY,
                details={"field": "codes", "currencies": unknown},
            )
        changed = []
        for position, code in enumerate(normalized, start=1):
            currency = rows[code]
            if currency.display_order != position:
                changed.append((currency, currency.display_order, position))
                currency.display_order = position
        if changed:
            Currency.objects.bulk_update([c for c, _, _ in changed], ["display_order"])
            settings_stamp.bump()  # a bulk write sends no signal
            record_audit(
                action="currency.reordered",
                object_type=Currency._meta.label_lower,
                object_repr=", ".join(normalized)[:255],
                changes={c.code: [old, new] for c, old, new in changed},
            )
        return [rows[c] for c in normalized]


def update_currency(
    *,
    code: str,
    enabled: bool | None = None,
    is_default: bool | None = None,
    display_order: int | None = None,
) -> Currency:
    """Apply a partial change in one transaction: enable, then default, then order;
    disabling happens last so `enabled=False, is_default=True` is refused as a whole."""
    if is_default is False:
        raise ValidationError(
            "A currency stops being the default only when another one becomes the default.",
            code=CoreError.CURRENCY_IS_DEFAULT,
            details={"field": "is_default"},
        )
    if display_order is not None and not 0 <= display_order <= MAX_DISPLAY_ORDER:
        raise ValidationError(
            f"Position must be from 0 to {MAX_DISPLAY_ORDER:,}.",
            code=CoreError.INVALID,
            details={"field": "display_order"},
        )
    with transaction.atomic():
        # Same lock order as set_default_currency: the current default, then the target.
        list(Currency.objects.select_for_update().filter(is_default=True))
        currency = _locked(code)
        if enabled is True:
            currency = enable_currency(code=currency.code)
        if is_default:
            currency = set_default_currency(code=currency.code)
        if display_order is not None:
            before = _snapshot(currency)
            currency.display_order = display_order
            currency = _save(currency, before, "currency.display_order_set")
        if enabled is False:
            currency = disable_currency(code=currency.code)
        currency.refresh_from_db()
        return currency
