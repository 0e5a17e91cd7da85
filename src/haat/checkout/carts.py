"""Cart writes: create, choose the currency, add / change / remove lines.

A line remembers the unit price the shopper was shown (`unit_amount`); checkout compares
it with the live price. Every write validates first and changes nothing on bad input.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from haat.catalog.models import Product, Variant, VariantPrice
from haat.checkout.models import MAX_CART_LINES, MAX_LINE_QUANTITY, Cart, CartLine
from haat.core import sql
from haat.core.errors import Conflict, NotFound, ValidationError
from haat.core.models import Currency
from haat.inventory.selectors import describe_availability

CART_TTL = timedelta(days=30)


def clean_quantity(value: Any, *, field: str = "quantity") -> int:
    """A whole number of units from 1 to MAX_LINE_QUANTITY; bools, floats, text refused."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(
            f"{field} must be a whole number.", code="invalid_quantity", details={"field": field}
        )
    if not 1 <= value <= MAX_LINE_QUANTITY:
        raise ValidationError(
            f"{field} must be between 1 and {MAX_LINE_QUANTITY}.",
            code="invalid_quantity",
            details={"field": field, "quantity": value, "max": MAX_LINE_QUANTITY},
        )
    return value


def cart_currency(code: str | None) -> str:
    """An enabled currency code, or the store default when none is given."""
    if code is None or str(code).strip() == "":
        default = Currency.objects.filter(is_default=True).values_list("code", flat=True).first()
        if default is None:
            raise ValidationError("The store has no default currency.", code="no_currency")
        return default
    text = str(code).strip().upper()
    row = Currency.objects.filter(code=text).values_list("enabled", flat=True).first()
    if row is None:
        raise ValidationError(
            f"'{code}' is not a known currency.",
            code="unknown_currency",
            details={"field": "currency"},
        )
    if not row:
        raise ValidationError(
            f"The store does not sell in {text}.",
            code="currency_disabled",
            details={"field": "currency"},
        )
    return text


def check_token_age(cart: Cart, now: Any = None) -> None:
    if cart.created_at < (now or timezone.now()) - CART_TTL:
        raise NotFound("This cart has expired.", code="cart_expired")


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
        raise NotFound("No cart with this token.", code="cart_not_found")
    check_token_age(cart)
    if open_only and cart.completed_at is not None:
        raise Conflict("This cart has been checked out already.", code="cart_completed")
    return cart


def complete_cart(cart: Cart, order: Any) -> bool:
    """Mark the cart checked out by `order`, unless another submit did first (one
    conditional UPDATE, in the order's transaction). False when it lost."""
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    return bool(
        sql.execute(
            "UPDATE checkout_cart SET completed_at = %s, order_id = %s, updated_at = %s "
            "WHERE id = %s AND completed_at IS NULL",
            [now, order.pk, now, cart.pk],
        )
    )


def create_cart(*, currency: str | None = None) -> Cart:
    """A new empty cart in an enabled currency (default: the store's)."""
    return create_cart_with_lines(currency=currency)[0]


def create_cart_with_lines(
    *, currency: str | None = None, lines: Sequence[tuple[Any, Any]] = ()
) -> tuple[Cart, list[CartLine]]:
    """A new cart, optionally with `lines` of (variant_id, quantity) already in it ("buy
    now": one request instead of create + add line). The lines are validated exactly as
    `add_line` does (a variant given twice adds up) and the cart is created with all of
    them or not at all. Returns the lines with `variant`, `live_amount` and
    `availability` set, ready for `cart_payload`: a flash sale's first request costs one
    read and two INSERTs."""
    wanted = clean_lines(lines)
    if not wanted:  # one INSERT: no transaction needed
        code = cart_currency(currency)
        return Cart.objects.create(token=secrets.token_urlsafe(24), currency_id=code), []
    code, priced = priced_variants(wanted, currency)
    now = timezone.now()
    values = {"token": secrets.token_urlsafe(24), "currency_id": code, "created_at": now}
    values["updated_at"] = now
    with transaction.atomic():
        [(cart_id,)] = sql.insert_rows(Cart, [values])
        rows = [
            {
                "cart_id": cart_id,
                "variant_id": variant_id,
                "quantity": quantity,
                "unit_amount": priced[variant_id].live_amount,
                "created_at": now,
                "updated_at": now,
            }
            for variant_id, quantity in wanted.items()
        ]
        ids = sql.insert_rows(CartLine, rows)
    cart = Cart(id=cart_id, **values)
    cart._state.adding = False
    out = []
    for (line_id,), row in zip(ids, rows, strict=True):
        variant = priced[row["variant_id"]]
        line = CartLine(id=line_id, cart=cart, variant=variant, **row)
        line.live_amount, line.availability = variant.live_amount, variant.availability
        out.append(line)
    return cart, out


def clean_lines(lines: Sequence[tuple[Any, Any]]) -> dict[int, int]:
    """{variant_id: quantity} in the given order; errors name `lines[i].field`."""
    if len(lines) > MAX_CART_LINES:
        raise ValidationError(
            f"A cart holds at most {MAX_CART_LINES} lines.",
            code="too_many_lines",
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


def variant_from_row(
    variant_id: int,
    sku: str,
    options: Any,
    active: Any,
    product_id: int,
    title: str,
    status: str,
    kind: str,
    expected_days: int | None,
    available: int,
) -> Variant:
    """A Variant with its Product, `available` units and storefront `availability`, from
    the columns of a hand-written read (no query)."""
    product = Product(
        id=product_id, title=title, status=status, availability=kind, expected_days=expected_days
    )
    variant = Variant(
        id=variant_id,
        product=product,
        sku=sku,
        option_values=sql.json_value(options),
        is_active=bool(active),
    )
    variant.available = available
    variant.availability = describe_availability(
        variant_id=variant_id,
        sellable=variant.is_active and status == Product.Status.ACTIVE,
        kind=kind,
        expected_days=expected_days,
        available=available,
    )
    return variant


# The currency (given, else the store's default) with each wanted variant, its product,
# its price in that currency and its available units (active locations): one statement.
_BUY_NOW_SQL = """
SELECT cur.code, cur.enabled, v.id, v.sku, v.option_values, v.is_active,
       p.id, p.title, p.status, p.availability, p.expected_days,
       (SELECT vp.amount FROM catalog_variantprice vp
         WHERE vp.variant_id = v.id AND vp.currency_id = cur.code),
       (SELECT COALESCE(SUM(s.on_hand - s.reserved), 0) FROM inventory_stocklevel s
         JOIN inventory_location loc ON loc.id = s.location_id
         WHERE s.variant_id = v.id AND loc.is_active)
FROM core_currency cur
LEFT JOIN catalog_variant v ON v.id IN ({ids})
LEFT JOIN catalog_product p ON p.id = v.product_id
WHERE {which}"""


def priced_variants(wanted: dict[int, int], currency: str | None) -> tuple[str, dict[int, Variant]]:
    """The cart's currency code (validated like `cart_currency`) and the wanted variants
    with product, `live_amount` and `availability`; unknown, unsellable or unpriced ones
    are refused naming the first such line."""
    given = currency is not None and str(currency).strip() != ""
    code = str(currency).strip().upper() if given else None
    statement = _BUY_NOW_SQL.format(
        ids=sql.placeholders(len(wanted)), which="cur.code = %s" if given else "cur.is_default"
    )
    rows = sql.fetch_all(statement, [*wanted, *([code] if given else [])])
    if not rows:
        if given:
            raise ValidationError(
                f"'{currency}' is not a known currency.",
                code="unknown_currency",
                details={"field": "currency"},
            )
        raise ValidationError("The store has no default currency.", code="no_currency")
    code, enabled = rows[0][0], rows[0][1]
    if not enabled:
        raise ValidationError(
            f"The store does not sell in {code}.",
            code="currency_disabled",
            details={"field": "currency"},
        )
    found = {}
    for row in rows:
        if row[2] is None:
            continue
        v_id, sku, options, v_active, p_id, title, status, kind, days, amount, available = row[2:]
        variant = variant_from_row(
            v_id, sku, options, v_active, p_id, title, status, kind, days, available
        )
        variant.live_amount = amount
        found[v_id] = variant
    for i, variant_id in enumerate(wanted):
        field = f"lines[{i}].variant_id"
        variant = found.get(variant_id)
        if variant is None:
            raise ValidationError(
                f"Unknown variant {variant_id}.", code="unknown_variant", details={"field": field}
            )
        if not variant.is_active or variant.product.status != Product.Status.ACTIVE:
            raise ValidationError(
                f"{variant.sku} is not for sale.",
                code="inactive_variant",
                details={"field": field, "sku": variant.sku},
            )
        if variant.live_amount is None:
            raise ValidationError(
                f"{variant.sku} has no price in {code}.",
                code="no_price_in_currency",
                details={"field": field, "sku": variant.sku, "currency": code},
            )
    return code, found


# The cart (locked) with the variant, its product, its price in the cart's currency, the
# cart's line count and the quantity of this variant already in it: one statement.
_ADD_LINE_SQL = """
SELECT c.id, c.currency_id, c.created_at, c.completed_at,
       v.id, v.sku, v.is_active, p.status,
       (SELECT vp.amount FROM catalog_variantprice vp
         WHERE vp.variant_id = v.id AND vp.currency_id = c.currency_id),
       (SELECT COUNT(*) FROM checkout_cartline l WHERE l.cart_id = c.id),
       (SELECT l.quantity FROM checkout_cartline l WHERE l.cart_id = c.id AND l.variant_id = v.id)
FROM checkout_cart c
LEFT JOIN catalog_variant v ON v.id = %s
LEFT JOIN catalog_product p ON p.id = v.product_id
WHERE c.token = %s{lock}"""

# A second add of one variant raises the line's quantity (the total is checked first).
_SAME_VARIANT = (
    "ON CONFLICT (cart_id, variant_id) DO UPDATE SET quantity = excluded.quantity, "
    "unit_amount = excluded.unit_amount, updated_at = excluded.updated_at"
)


def add_line(*, token: str, variant_id: int, quantity: int) -> tuple[Cart, CartLine]:
    """Add a variant; adding one already in the cart increases its quantity. Returns the
    (locked, then committed) cart too, so the reply needs no second look-up.

    One statement locks the cart and reads the variant, its price in the cart's currency
    and the cart's lines; then one upsert of the line and one UPDATE of the cart."""
    quantity = clean_quantity(quantity)
    if isinstance(variant_id, bool) or not isinstance(variant_id, int):
        raise ValidationError("variant_id must be a whole number.", details={"field": "variant_id"})
    lock = " FOR UPDATE OF c" if connection.features.has_select_for_update_of else ""
    with transaction.atomic():
        row = sql.fetch_one(_ADD_LINE_SQL.format(lock=lock), [variant_id, str(token)[:64]])
        if row is None:
            raise NotFound("No cart with this token.", code="cart_not_found")
        cart_id, currency, created, completed, v_id, sku, active, status = row[:8]
        amount, line_count, in_cart = row[8:]
        now = timezone.now()
        cart = Cart(
            id=cart_id,
            token=str(token)[:64],
            currency_id=currency,
            created_at=sql.datetime_value(created),
            completed_at=sql.datetime_value(completed),
            updated_at=now,
        )
        cart._state.adding = False
        _check_addable(cart, v_id, variant_id, sku, active, status, amount, now)
        if in_cart is None and line_count >= MAX_CART_LINES:
            raise ValidationError(
                f"A cart holds at most {MAX_CART_LINES} lines.",
                code="too_many_lines",
                details={"field": "variant_id"},
            )
        values = {
            "cart_id": cart_id,
            "variant_id": v_id,
            "quantity": clean_quantity((in_cart or 0) + quantity),
            "unit_amount": amount,
            "created_at": now,
            "updated_at": now,
        }
        [(line_id,)] = sql.insert_rows(CartLine, [values], on_conflict=_SAME_VARIANT)
        sql.execute(
            "UPDATE checkout_cart SET updated_at = %s WHERE id = %s",
            [connection.ops.adapt_datetimefield_value(now), cart_id],
        )
    return cart, CartLine(id=line_id, **values)


def _check_addable(
    cart: Cart,
    found_id: int | None,
    variant_id: int,
    sku: str,
    active: Any,
    status: str,
    amount: int | None,
    now: Any,
) -> None:
    if found_id is None:
        raise ValidationError(
            f"Unknown variant {variant_id}.",
            code="unknown_variant",
            details={"field": "variant_id"},
        )
    if not active or status != Product.Status.ACTIVE:
        raise ValidationError(
            f"{sku} is not for sale.",
            code="inactive_variant",
            details={"field": "variant_id", "sku": sku},
        )
    check_token_age(cart, now)
    if cart.completed_at is not None:
        raise Conflict("This cart has been checked out already.", code="cart_completed")
    if amount is None:
        raise ValidationError(
            f"{sku} has no price in {cart.currency_id}.",
            code="no_price_in_currency",
            details={"field": "variant_id", "sku": sku, "currency": cart.currency_id},
        )


def _line(cart: Cart, line_id: Any) -> CartLine:
    if isinstance(line_id, bool) or not isinstance(line_id, int):
        raise NotFound("No such line in this cart.", code="line_not_found")
    line = CartLine.objects.filter(cart=cart, pk=line_id).first()
    if line is None:
        raise NotFound("No such line in this cart.", code="line_not_found")
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
                code="no_price_in_currency",
                details={"field": "currency", "skus": missing, "currency": code},
            )
        for line in lines:
            line.unit_amount = prices[line.variant_id]
        CartLine.objects.bulk_update(lines, ["unit_amount"])
        cart.currency_id = code
        cart.save(update_fields=["currency", "updated_at"])
    return cart
