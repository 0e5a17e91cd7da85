"""The only code that changes GST rates and the store's tax settings: validated first (only
the GST slabs, a cess percent), written with an audit entry in one transaction. Each
write moves the settings stamp (tax/apps.py), so every process sees it on its next read."""

from __future__ import annotations

import contextlib
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction

from haat.catalog.models import Category, Product
from haat.core.audit import diff, record_audit
from haat.core.errors import NotFound, ValidationError
from haat.tax.error_codes import TaxError
from haat.tax.gst import cess_problem, rate_problem
from haat.tax.models import GstRate, TaxSettings


def _rate(value: object, field: str = "rate") -> int:
    problem = rate_problem(value)
    if problem:
        raise ValidationError(problem, code=TaxError.INVALID_GST_RATE, details={"field": field})
    return value  # type: ignore[return-value]


def _cess(value: object, field: str = "cess") -> Decimal:
    if isinstance(value, str):
        with contextlib.suppress(InvalidOperation):
            value = Decimal(value.strip() or "0")
    problem = cess_problem(value)
    if problem:
        raise ValidationError(problem, code=TaxError.INVALID_CESS, details={"field": field})
    return Decimal(value).quantize(Decimal("0.01"))  # type: ignore[arg-type]


def tax_settings_row() -> TaxSettings:
    """The settings row, defaults when none was saved yet (not written)."""
    return TaxSettings.objects.filter(pk=1).first() or TaxSettings(pk=1)


def _settings_state(row: TaxSettings) -> dict[str, Any]:
    return {
        "prices_include_tax": row.prices_include_tax,
        "default_rate": row.default_rate,
        "default_cess": str(row.default_cess),
    }


def update_tax_settings(
    *, prices_include_tax: bool, default_rate: int, default_cess: Decimal | int | str = 0
) -> TaxSettings:
    """Whether shown prices include GST, and the rate of products no rate covers."""
    if not isinstance(prices_include_tax, bool):
        raise ValidationError(
            "prices_include_tax must be true or false.", details={"field": "prices_include_tax"}
        )
    rate = _rate(default_rate, "default_rate")
    cess = _cess(default_cess, "default_cess")
    with transaction.atomic():
        row = TaxSettings.objects.select_for_update().filter(pk=1).first() or TaxSettings(pk=1)
        before = _settings_state(row) if row.updated_at else {}
        row.prices_include_tax, row.default_rate, row.default_cess = (
            prices_include_tax,
            rate,
            cess,
        )
        row.save()
        record_audit(
            action="tax.settings_update", obj=row, changes=diff(before, _settings_state(row))
        )
    return row


def _set(target: dict[str, Any], label: str, rate: int, cess: Decimal) -> GstRate:
    with transaction.atomic():
        row = GstRate.objects.select_for_update().filter(**target).first()
        before = {"rate": row.rate, "cess": str(row.cess)} if row else {}
        if row is None:
            row = GstRate(**target, rate=rate, cess=cess)
        row.rate, row.cess = rate, cess
        row.save()
        record_audit(
            action="tax.rate_set",
            obj=row,
            object_repr=label,
            # Both rate and cess, always: the log reads "5 % GST → 28 % GST + 12 % cess".
            changes={
                "rate": [before.get("rate"), rate],
                "cess": [before.get("cess"), str(cess)],
            },
        )
    return row


def _clear(target: dict[str, Any], label: str) -> bool:
    with transaction.atomic():
        row = GstRate.objects.select_for_update().filter(**target).first()
        if row is None:
            return False
        record_audit(
            action="tax.rate_clear",
            obj=row,
            object_repr=label,
            changes={"rate": [row.rate, None], "cess": [str(row.cess), None]},
        )
        row.delete()
    return True


def _category(category_id: int) -> Category:
    category = Category.objects.filter(pk=category_id).first()
    if category is None:
        raise NotFound("No such category.", details={"category_id": category_id})
    return category


def _product(product_id: int) -> Product:
    product = Product.objects.filter(pk=product_id).first()
    if product is None:
        raise NotFound("No such product.", details={"product_id": product_id})
    return product


def set_category_rate(*, category_id: int, rate: int, cess: Decimal | int | str = 0) -> GstRate:
    """The GST rate of a category's products (and its subcategories' products, unless a
    nearer category or the product itself has one)."""
    rate, cess = _rate(rate), _cess(cess)
    category = _category(category_id)
    return _set({"category": category}, f"{category.name} (category)", rate, cess)


def clear_category_rate(*, category_id: int) -> bool:
    """Remove a category's rate (its products fall back to a parent's or the default);
    False when it had none."""
    category = _category(category_id)
    return _clear({"category": category}, f"{category.name} (category)")


def set_product_rate(*, product_id: int, rate: int, cess: Decimal | int | str = 0) -> GstRate:
    """The GST rate of one product's variants, over any of its categories' rates."""
    rate, cess = _rate(rate), _cess(cess)
    product = _product(product_id)
    return _set({"product": product}, product.title, rate, cess)


def clear_product_rate(*, product_id: int) -> bool:
    """Remove a product's own rate (it falls back to its categories'); False when it had
    none."""
    product = _product(product_id)
    return _clear({"product": product}, product.title)
