"""Seller-set prices per currency (never converted), their history and derived ranges.

Every write here records a PriceHistory row per changed currency, refreshes
ProductPriceRange in the same transaction, and emits `catalog.price_changed`.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import Max, Min

from haat.catalog import validators
from haat.catalog.error_codes import CatalogError
from haat.catalog.events import PriceChanged
from haat.catalog.models import PriceHistory, Product, ProductPriceRange, Variant, VariantPrice
from haat.core.audit import record_audit, record_audits
from haat.core.context import current_actor
from haat.core.error_codes import CoreError
from haat.core.errors import NotFound, ValidationError
from haat.core.models import Currency
from haat.core.money import Money, decimal_places
from haat.core.outbox import emit, emit_all

# Anything above 10^12 minor units (₹10,000 crore) is a typo, not a price.
MAX_PRICE_MINOR = 10**12
BULK_MODES = ("set", "percent", "amount")
ROUNDINGS = ("none", "whole", "end_99", "end_49_99")
_CHUNK = 900  # stays under SQLite's bound-parameter limit


@dataclass(frozen=True)
class PriceInput:
    amount: Money
    compare_at: Money | None = None


def enabled_currency_codes() -> list[str]:
    return list(Currency.objects.filter(enabled=True).values_list("code", flat=True))


def check_currency_enabled(code: str, enabled: list[str] | set[str], *, field: str) -> str:
    code = (code or "").strip().upper()
    if code not in enabled:
        raise ValidationError(
            f"{code or 'Currency'} is not an enabled currency.",
            code=CoreError.CURRENCY_DISABLED,
            details={"field": field, "currency": code},
        )
    return code


def check_amount(amount: int, *, field: str, currency: str | None = None) -> None:
    details = {"field": field, **({"currency": currency} if currency else {})}
    if amount < 0:
        raise ValidationError(
            "Price cannot be negative.", code=CatalogError.NEGATIVE_PRICE, details=details
        )
    if amount > MAX_PRICE_MINOR:
        raise ValidationError(
            "Price is unrealistically large.", code=CatalogError.PRICE_TOO_LARGE, details=details
        )


def clean_prices(prices: Any, enabled: list[str] | set[str]) -> dict[str, PriceInput]:
    """Validate a list of PriceInput; returns them keyed by currency. An error names the
    list item (`prices[1].compare_at`) and gives its currency in `details["currency"]`."""
    if prices is None:
        return {}
    if not isinstance(prices, list | tuple):
        raise ValidationError("Prices must be a list.", details={"field": "prices"})
    out: dict[str, PriceInput] = {}
    for i, p in enumerate(prices):
        field = f"prices[{i}]"
        if not isinstance(p, PriceInput) or not isinstance(p.amount, Money):
            raise ValidationError("Each price needs an amount.", details={"field": field})
        cur = p.amount.currency
        check_currency_enabled(cur, enabled, field=field)
        if cur in out:
            raise ValidationError(
                f"{cur} is given twice.",
                code=CoreError.DUPLICATE_CURRENCY,
                details={"field": field, "currency": cur},
            )
        check_amount(p.amount.amount, field=field, currency=cur)
        if p.compare_at is not None:
            cfield = f"{field}.compare_at"
            if not isinstance(p.compare_at, Money) or p.compare_at.currency != cur:
                raise ValidationError(
                    "Compare-at price must be in the same currency.",
                    code=CoreError.CURRENCY_MISMATCH,
                    details={"field": cfield, "currency": cur},
                )
            check_amount(p.compare_at.amount, field=cfield, currency=cur)
            if p.compare_at.amount <= p.amount.amount:
                raise ValidationError(
                    "Compare-at price must be higher than the price.",
                    code=CatalogError.COMPARE_AT_NOT_HIGHER,
                    details={"field": cfield, "currency": cur},
                )
        out[cur] = p
    return out


def _history(
    variant_id: int, currency: str, old: VariantPrice | None, new: tuple | None, source: str
) -> PriceHistory:
    actor = current_actor()
    return PriceHistory(
        variant_id=variant_id,
        currency=currency,
        old_amount=old.amount if old else None,
        old_compare_at_amount=old.compare_at_amount if old else None,
        new_amount=new[0] if new else None,
        new_compare_at_amount=new[1] if new else None,
        changed_by=actor.user if getattr(actor.user, "pk", None) else None,
        changed_by_label=actor.label[:255],
        source=source,
    )


def _change_payload(h: PriceHistory, product_id: int) -> dict[str, Any]:
    return {
        "variant_id": h.variant_id,
        "product_id": product_id,
        "currency": h.currency,
        "old_amount": h.old_amount,
        "new_amount": h.new_amount,
        "old_compare_at_amount": h.old_compare_at_amount,
        "new_compare_at_amount": h.new_compare_at_amount,
    }


def write_prices(
    *, variant: Variant, prices: dict[str, PriceInput], source: str
) -> tuple[list[VariantPrice], list[dict[str, Any]]]:
    """Upsert validated prices; history + event + range refresh only for real changes.

    Returns the variant's prices for the given currencies and the change payloads.
    """
    existing = {
        vp.currency_id: vp
        for vp in VariantPrice.objects.select_for_update().filter(
            variant=variant, currency_id__in=list(prices)
        )
    }
    to_create, to_update, history = [], [], []
    result = []
    for cur, p in prices.items():
        new = (p.amount.amount, p.compare_at.amount if p.compare_at else None)
        old = existing.get(cur)
        if old is not None and (old.amount, old.compare_at_amount) == new:
            result.append(old)
            continue
        history.append(_history(variant.pk, cur, old, new, source))
        if old is None:
            vp = VariantPrice(
                variant=variant, currency_id=cur, amount=new[0], compare_at_amount=new[1]
            )
            to_create.append(vp)
        else:
            old.amount, old.compare_at_amount = new
            vp = old
            to_update.append(vp)
        result.append(vp)
    if not history:
        return result, []
    VariantPrice.objects.bulk_create(to_create)
    VariantPrice.objects.bulk_update(to_update, ["amount", "compare_at_amount"])
    PriceHistory.objects.bulk_create(history)
    refresh_price_ranges(product_ids=[variant.product_id])
    changes = [_change_payload(h, variant.product_id) for h in history]
    emit(PriceChanged(source=source, sku=variant.sku, changes=changes), aggregate=variant.product)
    return result, changes


def set_variant_prices(
    *, variant: Variant, prices: list[PriceInput], source: str = "editor"
) -> list[VariantPrice]:
    """Set (upsert) prices for the given currencies; other currencies are left alone."""
    cleaned = clean_prices(prices, enabled_currency_codes())
    with transaction.atomic():
        result, changes = write_prices(variant=variant, prices=cleaned, source=source)
        if changes:
            record_audit(action="variant.prices", obj=variant, changes={"prices": changes})
    return result


def remove_variant_price(*, variant: Variant, currency: str, source: str = "editor") -> None:
    currency = (currency or "").strip().upper()
    with transaction.atomic():
        vp = (
            VariantPrice.objects.select_for_update()
            .filter(variant=variant, currency_id=currency)
            .first()
        )
        if vp is None:
            raise NotFound(f"{variant.sku} has no {currency} price.", details={"field": "currency"})
        vp.delete()
        h = _history(variant.pk, currency, vp, None, source)
        h.save()
        refresh_price_ranges(product_ids=[variant.product_id])
        change = _change_payload(h, variant.product_id)
        record_audit(action="variant.prices", obj=variant, changes={"prices": [change]})
        emit(
            PriceChanged(source=source, sku=variant.sku, changes=[change]),
            aggregate=variant.product,
        )


def refresh_price_ranges(*, product_ids: list[int]) -> None:
    """Recompute min/max of active variants' prices per currency with aggregate SQL."""
    ids = sorted(set(product_ids))
    with transaction.atomic(savepoint=False):
        for start in range(0, len(ids), _CHUNK):
            chunk = ids[start : start + _CHUNK]
            rows = (
                VariantPrice.objects.filter(variant__product_id__in=chunk, variant__is_active=True)
                .values("variant__product_id", "currency_id")
                .annotate(lo=Min("amount"), hi=Max("amount"))
                .order_by()
            )
            ranges = [
                ProductPriceRange(
                    product_id=r["variant__product_id"],
                    currency_id=r["currency_id"],
                    min_amount=r["lo"],
                    max_amount=r["hi"],
                )
                for r in rows
            ]
            ProductPriceRange.objects.filter(product_id__in=chunk).delete()
            ProductPriceRange.objects.bulk_create(ranges, batch_size=500)


# --- bulk price change ---------------------------------------------------------------


def _ending_rule(places: int) -> tuple[int, int, int]:
    """(modulus, .49 ending, .99 ending) in minor units for a currency's decimal places.

    Two or more places: x.49 / x.99. One place: x.4 / x.9. Zero places (JPY): …49 / …99.
    """
    if places >= 2:
        scale = 10 ** (places - 2)
        return 10**places, 49 * scale, 99 * scale
    if places == 1:
        return 10, 4, 9
    return 100, 49, 99


def round_price(amount: int, rounding: str, places: int) -> int:
    """Apply a charm-pricing rule to a minor-unit amount.

    - none: unchanged.
    - whole: nearest whole major unit, halves up (1234.50 → 1235.00).
    - end_99: up to the next x.99 at or above (1234.56 → 1234.99, 1235.00 → 1235.99).
    - end_49_99: up to the next x.49 or x.99 at or above (1234.10 → 1234.49,
      1234.50 → 1234.99).
    Zero stays zero (a free item is not made to cost 0.99). Never rounds down except
    for `whole`, so a rounded price is never below the computed one by more than half a unit.
    """
    if rounding == "none" or amount == 0:
        return amount
    if rounding == "whole":
        unit = 10**places
        return (amount + unit // 2) // unit * unit
    modulus, e49, e99 = _ending_rule(places)
    endings = (e99,) if rounding == "end_99" else (e49, e99)
    base = amount - amount % modulus
    candidates = [base + e for e in endings] + [base + modulus + e for e in endings]
    return min(c for c in candidates if c >= amount)


def _parse_bulk_value(mode: str, value: str | Decimal, currency: str) -> Decimal | Money:
    if mode == "percent":
        try:
            rate = Decimal(str(value).strip())
        except (InvalidOperation, ValueError):
            rate = None
        if rate is None or not rate.is_finite():
            raise ValidationError(
                f"'{value}' is not a percentage.",
                code=CoreError.INVALID_AMOUNT,
                details={"field": "value"},
            )
        return rate
    try:
        money = Money.from_decimal(value, currency)
    except ValidationError as exc:
        raise ValidationError(exc.message, code=exc.code, details={"field": "value"}) from None
    if mode == "set":
        check_amount(money.amount, field="value")
    return money


def bulk_change_prices(
    *,
    product_ids: list[int],
    currency: str,
    mode: str,
    value: str | Decimal,
    rounding: str = "none",
) -> int:
    """Change one currency's price of every variant of the given products at once.

    `set` also creates the price for variants that have none in this currency;
    `percent` and `amount` change existing prices only. A compare-at price that would no
    longer be above the new price is cleared (it is no longer a discount). Returns the
    number of prices changed; a negative or absurd result refuses the whole change.
    """
    currency = check_currency_enabled(currency, enabled_currency_codes(), field="currency")
    if mode not in BULK_MODES:
        raise ValidationError(
            f"The change must be one of {', '.join(BULK_MODES)}.", details={"field": "mode"}
        )
    if rounding not in ROUNDINGS:
        raise ValidationError(
            f"Rounding must be one of {', '.join(ROUNDINGS)}.", details={"field": "rounding"}
        )
    parsed = _parse_bulk_value(mode, value, currency)
    places = decimal_places(currency)
    ids = sorted(validators.clean_ids(product_ids, field="product_ids"))
    if not ids:
        return 0
    with transaction.atomic():
        known = set(Product.objects.filter(pk__in=ids).values_list("pk", flat=True))
        if unknown := [pk for pk in ids if pk not in known]:
            raise validators.invalid(
                "product_ids",
                f"Unknown product_ids: {unknown}.",
                CatalogError.UNKNOWN_ID,
                unknown=unknown,
            )
        variants = list(
            Variant.objects.filter(product_id__in=ids).select_related("product").order_by("id")
        )
        existing = {
            vp.variant_id: vp
            for vp in VariantPrice.objects.select_for_update(of=("self",))
            .filter(variant__product_id__in=ids, currency_id=currency)
            .order_by("id")
        }
        to_create, to_update, history, by_product = [], [], [], {}
        for v in variants:
            old = existing.get(v.pk)
            if old is None and mode != "set":
                continue
            if mode == "set":
                new_amount = parsed.amount
            elif mode == "percent":
                new_amount = old.amount + Money(old.amount, currency).percent(parsed).amount
            else:
                new_amount = old.amount + parsed.amount
            new_amount = round_price(new_amount, rounding, places)
            if new_amount < 0:
                raise ValidationError(
                    f"The change makes {v.sku} cost less than zero.",
                    code=CatalogError.NEGATIVE_PRICE,
                    details={"field": "value", "sku": v.sku},
                )
            check_amount(new_amount, field="value")
            compare_at = old.compare_at_amount if old else None
            if compare_at is not None and compare_at <= new_amount:
                compare_at = None
            if old is not None and (old.amount, old.compare_at_amount) == (new_amount, compare_at):
                continue
            h = _history(v.pk, currency, old, (new_amount, compare_at), "bulk")
            history.append(h)
            by_product.setdefault(v.product_id, (v.product, []))[1].append(
                _change_payload(h, v.product_id)
            )
            if old is None:
                to_create.append(VariantPrice(variant=v, currency_id=currency, amount=new_amount))
            else:
                old.amount, old.compare_at_amount = new_amount, compare_at
                to_update.append(old)
        if not history:
            return 0
        VariantPrice.objects.bulk_create(to_create, batch_size=500)
        VariantPrice.objects.bulk_update(to_update, ["amount", "compare_at_amount"], batch_size=500)
        PriceHistory.objects.bulk_create(history, batch_size=500)
        refresh_price_ranges(product_ids=list(by_product))
        summary = {"currency": currency, "mode": mode, "value": str(value), "rounding": rounding}
        record_audits(
            "product.prices_bulk",
            [(p, {**summary, "prices": ch}) for p, ch in by_product.values()],
        )
        emit_all((PriceChanged(source="bulk", changes=ch), p) for p, ch in by_product.values())
    return len(history)
