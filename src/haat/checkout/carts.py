"""Cart writes: create, choose the currency, add / change / remove lines.

A line remembers the unit price the shopper was shown (`unit_amount`); checkout compares
it with the live price. Every write validates first and changes nothing on bad input.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from haat.catalog.error_codes import CatalogError
from haat.catalog.models import VariantPrice
from haat.catalog.sql import PricedVariant
from haat.checkout import sql
from haat.checkout.error_codes import CheckoutError
from haat.checkout.models import MAX_CART_LINES, MAX_LINE_QUANTITY, Cart, CartLine
from haat.checkout.sql import CartRead, CartRecord, PricedLine, priced_line
from haat.core.error_codes import CoreError
from haat.core.errors import Conflict, NotFound, ValidationError
from haat.core.models import Currency

CART_TTL = timedelta(days=30)


def clean_quantity(value: Any, *, field: str = "quantity") -> int:
    """A whole number of units from 1 to MAX_LINE_QUANTITY; bools, floats, text refused."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(
            f"{field} must be a whole number.",
            code=CheckoutError.INVALID_QUANTITY,
            details={"field": field},
        )
    if not 1 <= value <= MAX_LINE_QUANTITY:
        raise ValidationError(
            f"{field} must be between 1 and {MAX_LINE_QUANTITY}.",
            code=CheckoutError.INVALID_QUANTITY,
            details={"field": field, "quantity": value, "max": MAX_LINE_QUANTITY},
        )
    return value


def cart_currency(code: str | None) -> str:
    """An enabled currency code, or the store default when none is given."""
    if code is None or str(code).strip() == "":
        default = Currency.objects.filter(is_default=True).values_list("code", flat=True).first()
        if default is None:
            raise ValidationError(
                "The store has no default currency.", code=CheckoutError.NO_CURRENCY
            )
        return default
    text = str(code).strip().upper()
    row = Currency.objects.filter(code=text).values_list("enabled", flat=True).first()
    if row is None:
        raise ValidationError(
            f"'{code}' is not a known currency.",
            code=CoreError.UNKNOWN_CURRENCY,
            details={"field": "currency"},
        )
    if not row:
        raise ValidationError(
            f"The store does not sell in {text}.",
            code=CoreError.CURRENCY_DISABLED,
            details={"field": "currency"},
        )
    return text


def check_token_age(cart: Cart | CartRecord, now: Any = None) -> None:
    if cart.created_at < (now or timezone.now()) - CART_TTL:
        raise NotFound("This cart has expired.", code=CheckoutError.CART_EXPIRED)


def get_cart(
    token: str,
    *,
    for_update: bool = False,
    open_only: bool = False,
) -> Cart:
    """The cart behind `token` (404 when unknown or expired; 409 when completed and
    `open_only`)."""
    qs = Cart.objects.select_for_update(of=("self",)) if for_update else Cart.objects.all()
    cart = qs.filter(token=str(token)[:64]).first()
    if cart is None:
        raise NotFound("No cart with this token.", code=CheckoutError.CART_NOT_FOUND)
    check_token_age(cart)
    if open_only and cart.completed_at is not None:
        raise Conflict("This cart has been checked out already.", code=CheckoutError.CART_COMPLETED)
    return cart


def complete_cart(cart: CartRecord, order: Any) -> bool:
    """Mark the cart checked out by `order`, unless another submit did first (one
    conditional UPDATE, in the order's transaction). False when it lost."""
    return sql.complete_cart(cart.id, order.pk, timezone.now())


def create_cart(*, currency: str | None = None) -> CartRecord:
    """A new empty cart in an enabled currency (default: the store's)."""
    return create_cart_with_lines(currency=currency).cart


def create_cart_with_lines(
    *, currency: str | None = None, lines: Sequence[tuple[Any, Any]] = ()
) -> CartRead:
    """A new cart, optionally with `lines` of (variant_id, quantity) already in it ("buy
    now": one request instead of create + add line). The lines are validated exactly as
    `add_line` does (a variant given twice adds up) and the cart is created with all of
    them or not at all. Returns the cart with its priced lines, ready for `cart_payload`:
    a flash sale's first request costs one read and two INSERTs."""
    wanted = clean_lines(lines)
    token, now = secrets.token_urlsafe(24), timezone.now()
    if not wanted:  # one INSERT: no transaction needed
        cart = sql.insert_cart(token=token, currency=cart_currency(currency), now=now)
        return CartRead(cart, (), None)
    priced = priced_variants(wanted, currency)
    with transaction.atomic():
        cart = sql.insert_cart(token=token, currency=priced.currency, now=now)
        ids = sql.insert_lines(
            [
                {
                    "cart_id": cart.id,
                    "variant_id": line.variant.id,
                    "quantity": line.quantity,
                    "unit_amount": line.unit_amount,
                    "created_at": now,
                    "updated_at": now,
                }
                for line in priced.lines
            ]
        )
    lines_with_ids = tuple(replace(line, id=pk) for pk, line in zip(ids, priced.lines, strict=True))
    return CartRead(cart, lines_with_ids, priced.settings_stamp)


def clean_lines(lines: Sequence[tuple[Any, Any]]) -> dict[int, int]:
    """{variant_id: quantity} in the given order; errors name `lines[i].field`."""
    if len(lines) > MAX_CART_LINES:
        raise ValidationError(
            f"A cart holds at most {MAX_CART_LINES} lines.",
            code=CheckoutError.TOO_MANY_LINES,
            details={"field": "lines"},
        )
    wanted: dict[int, int] = {}
    for i, (variant_id, quantity) in enumerate(lines):
        if isinstance(variant_id, bool) or not isinstance(variant_id, int):
            raise ValidationError(
                "variant_id must be a whole number.", details={"field": f"lines[{i}].variant_id"}
            )
        field = f"lines[{i}].quantity"
        total = clean_quantity(quantity, field=field) + wanted.get(variant_id, 0)
        wanted[variant_id] = clean_quantity(total, field=field)
    return wanted


@dataclass(frozen=True)
class PricedLines:
    """Wanted lines priced in a validated currency, with the settings stamp read with
    them."""

    currency: str
    lines: tuple[PricedLine, ...]  # in the order wanted; unit_amount is the live price
    settings_stamp: int | None


def not_purchasable(variants: Sequence[PricedVariant], *, field: str) -> Conflict:
    """409 naming every line whose product the merchant marked temporarily unavailable
    (the storefront shows `purchasable: false` for them)."""
    skus = ", ".join(v.sku for v in variants)
    return Conflict(
        f"Temporarily unavailable, so it cannot be bought now: {skus}.",
        code=CheckoutError.NOT_PURCHASABLE,
        details={
            "field": field,
            "lines": [{"variant_id": v.id, "sku": v.sku} for v in variants],
        },
    )


def priced_variants(wanted: dict[int, int], currency: str | None) -> PricedLines:
    """The wanted {variant_id: quantity} priced in the currency (validated like
    `cart_currency`), with units available: one query. Unknown, unsellable or unpriced
    variants are refused naming the first such line."""
    given = currency is not None and str(currency).strip() != ""
    read = sql.read_variants(list(wanted), str(currency).strip().upper() if given else None)
    if read is None:
        if given:
            raise ValidationError(
                f"'{currency}' is not a known currency.",
                code=CoreError.UNKNOWN_CURRENCY,
                details={"field": "currency"},
            )
        raise ValidationError("The store has no default currency.", code=CheckoutError.NO_CURRENCY)
    if not read.enabled:
        raise ValidationError(
            f"The store does not sell in {read.currency}.",
            code=CoreError.CURRENCY_DISABLED,
            details={"field": "currency"},
        )
    lines = []
    for i, (variant_id, quantity) in enumerate(wanted.items()):
        field = f"lines[{i}].variant_id"
        if variant_id not in read.variants:
            raise ValidationError(
                f"Unknown variant {variant_id}.",
                code=CatalogError.UNKNOWN_VARIANT,
                details={"field": field},
            )
        variant, available, offer, rate = read.variants[variant_id]
        if not variant.sellable:
            raise ValidationError(
                f"{variant.sku} is not for sale.",
                code=CatalogError.INACTIVE_VARIANT,
                details={"field": field, "sku": variant.sku},
            )
        if variant.on_hold:
            raise not_purchasable([variant], field=field)
        if variant.amount is None:
            raise ValidationError(
                f"{variant.sku} has no price in {read.currency}.",
                code=CheckoutError.NO_PRICE_IN_CURRENCY,
                details={"field": field, "sku": variant.sku, "currency": read.currency},
            )
        lines.append(
            priced_line(variant, quantity, variant.amount, available, offer=offer, tax_rate=rate)
        )
    return PricedLines(read.currency, tuple(lines), read.settings_stamp)


def add_line(*, token: str, variant_id: int, quantity: int) -> CartRecord:
    """Add a variant; adding one already in the cart increases its quantity. Returns the
    (locked, then committed) cart.

    One statement locks the cart and reads the variant, its price in the cart's currency
    and the cart's lines; then one upsert of the line and one UPDATE of the cart."""
    quantity = clean_quantity(quantity)
    if isinstance(variant_id, bool) or not isinstance(variant_id, int):
        raise ValidationError("variant_id must be a whole number.", details={"field": "variant_id"})
    with transaction.atomic():
        read = sql.lock_cart_for_line(token, variant_id)
        if read is None:
            raise NotFound("No cart with this token.", code=CheckoutError.CART_NOT_FOUND)
        now = timezone.now()
        cart, variant = read.cart, read.variant
        _check_addable(cart, variant, variant_id, now)
        if read.in_cart is None and read.line_count >= MAX_CART_LINES:
            raise ValidationError(
                f"A cart holds at most {MAX_CART_LINES} lines.",
                code=CheckoutError.TOO_MANY_LINES,
                details={"field": "variant_id"},
            )
        sql.upsert_line(
            {
                "cart_id": cart.id,
                "variant_id": variant.id,
                "quantity": clean_quantity((read.in_cart or 0) + quantity),
                "unit_amount": variant.amount,
                "created_at": now,
                "updated_at": now,
            }
        )
        sql.touch_cart(cart.id, now)
    return replace(cart, updated_at=now)


def _check_addable(
    cart: CartRecord, variant: PricedVariant | None, variant_id: int, now: Any
) -> None:
    if variant is None:
        raise ValidationError(
            f"Unknown variant {variant_id}.",
            code=CatalogError.UNKNOWN_VARIANT,
            details={"field": "variant_id"},
        )
    if not variant.sellable:
        raise ValidationError(
            f"{variant.sku} is not for sale.",
            code=CatalogError.INACTIVE_VARIANT,
            details={"field": "variant_id", "sku": variant.sku},
        )
    if variant.on_hold:
        raise not_purchasable([variant], field="variant_id")
    check_token_age(cart, now)
    if cart.completed_at is not None:
        raise Conflict("This cart has been checked out already.", code=CheckoutError.CART_COMPLETED)
    if variant.amount is None:
        raise ValidationError(
            f"{variant.sku} has no price in {cart.currency}.",
            code=CheckoutError.NO_PRICE_IN_CURRENCY,
            details={"field": "variant_id", "sku": variant.sku, "currency": cart.currency},
        )


def _line(cart: Cart, line_id: Any) -> CartLine:
    if isinstance(line_id, bool) or not isinstance(line_id, int):
        raise NotFound("No such line in this cart.", code=CoreError.LINE_NOT_FOUND)
    line = CartLine.objects.filter(cart=cart, pk=line_id).first()
    if line is None:
        raise NotFound("No such line in this cart.", code=CoreError.LINE_NOT_FOUND)
    return line


def update_line(*, token: str, line_id: int, quantity: int) -> CartLine:
    quantity = clean_quantity(quantity)
    with transaction.atomic():
        cart = get_cart(token, for_update=True, open_only=True)
        line = _line(cart, line_id)
        line.quantity = quantity
        line.save(update_fields=["quantity", "updated_at"])
        Cart.objects.filter(pk=cart.pk).update(updated_at=timezone.now())
    return line


def remove_line(*, token: str, line_id: int) -> None:
    with transaction.atomic():
        cart = get_cart(token, for_update=True, open_only=True)
        _line(cart, line_id).delete()
        Cart.objects.filter(pk=cart.pk).update(updated_at=timezone.now())


def set_currency(*, token: str, currency: str) -> Cart:
    """Switch the cart's currency; every line is re-priced in it, or nothing changes when
    a line has no price there (the error names those SKUs)."""
    if currency is None or str(currency).strip() == "":
        raise ValidationError("currency is required.", details={"field": "currency"})
    code = cart_currency(currency)
    with transaction.atomic():
        cart = get_cart(token, for_update=True, open_only=True)
        lines = list(CartLine.objects.filter(cart=cart).select_related("variant"))
        prices = dict(
            VariantPrice.objects.filter(
                variant_id__in=[line.variant_id for line in lines], currency_id=code
            ).values_list("variant_id", "amount")
        )
        missing = [line.variant.sku for line in lines if line.variant_id not in prices]
        if missing:
            raise ValidationError(
                f"No price in {code} for {', '.join(missing)}.",
                code=CheckoutError.NO_PRICE_IN_CURRENCY,
                details={"field": "currency", "skus": missing, "currency": code},
            )
        for line in lines:
            line.unit_amount = prices[line.variant_id]
        CartLine.objects.bulk_update(lines, ["unit_amount"])
        cart.currency_id = code
        cart.save(update_fields=["currency", "updated_at"])
    return cart
