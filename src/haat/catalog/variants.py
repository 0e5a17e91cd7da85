"""Product options and variants (exported through `haat.catalog.services`)."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max, ProtectedError, RestrictedError

from haat.catalog import validators as v
from haat.catalog.error_codes import CatalogError
from haat.catalog.events import ProductUpdated, VariantCreated, VariantDeleted, VariantUpdated
from haat.catalog.models import Product, ProductOption, Variant
from haat.catalog.pricing import (
    PriceInput,
    check_amount,
    clean_prices,
    enabled_currency_codes,
    refresh_price_ranges,
    write_prices,
)
from haat.core.audit import diff, record_audit
from haat.core.errors import Conflict, ValidationError
from haat.core.models import Currency
from haat.core.money import Money
from haat.core.outbox import emit

MAX_OPTIONS = 3
VARIANT_FIELDS = (
    "sku",
    "option_values",
    "weight_grams",
    "hsn_code",
    "barcode",
    "cost_amount",
    "cost_currency",
    "position",
    "is_active",
)
UPDATABLE = frozenset(
    {"sku", "option_values", "weight_grams", "hsn_code", "barcode", "cost", "prices"}
    | {"is_active", "position"}
)


def clean_options(options: Any) -> list[tuple[str, list[str]]]:
    if not isinstance(options, list | tuple):
        raise v.invalid("options", "Options must be a list of (name, values).")
    if len(options) > MAX_OPTIONS:
        raise v.invalid("options", f"A product can have at most {MAX_OPTIONS} options.")
    out: list[tuple[str, list[str]]] = []
    seen: set[str] = set()
    for item in options:
        if not isinstance(item, list | tuple) or len(item) != 2:
            raise v.invalid("options", "Each option is a (name, values) pair.")
        name = v.clean_text(item[0], field="options", max_length=50, required=True)
        if name.casefold() in seen:
            raise v.invalid("options", f"Option '{name}' is given twice.")
        seen.add(name.casefold())
        raw = item[1]
        if not isinstance(raw, list | tuple) or not raw:
            raise v.invalid("options", f"Option '{name}' needs at least one value.")
        values = [v.clean_text(x, field="options", max_length=100, required=True) for x in raw]
        if len(set(values)) != len(values):
            raise v.invalid("options", f"Option '{name}' repeats a value.")
        out.append((name, values))
    return out


def clean_option_values(
    raw: Any, options: list[ProductOption], siblings: list[Variant]
) -> dict[str, str]:
    """Keys must be exactly the product's options, values among each option's values,
    and the combination must not repeat another variant's."""
    raw = raw or {}
    if not isinstance(raw, dict):
        raise v.invalid("option_values", "Option values must be an object.")
    names = [o.name for o in options]
    if set(raw) != set(names):
        expected = ", ".join(names) or "none"
        raise v.invalid("option_values", f"Option values must give exactly: {expected}.")
    out = {}
    for opt in options:
        value = raw[opt.name]
        if value not in opt.values:
            raise v.invalid("option_values", f"'{value}' is not a value of option '{opt.name}'.")
        out[opt.name] = value
    if options and any(s.option_values == out for s in siblings):
        raise Conflict(
            "Another variant already has these option values.",
            code=CatalogError.DUPLICATE_VARIANT,
            details={"field": "option_values"},
        )
    return out


def clean_cost(cost: Any) -> tuple[int | None, str]:
    if cost is None:
        return None, ""
    if not isinstance(cost, Money):
        raise v.invalid("cost", "Cost must be an amount of money.")
    default = Currency.objects.filter(is_default=True).values_list("code", flat=True).first()
    if cost.currency != default:
        raise v.invalid(
            "cost", f"Cost is kept in the store currency ({default}).", CatalogError.CURRENCY
        )
    check_amount(cost.amount, field="cost")
    return cost.amount, cost.currency


def _check_sku_free(sku: str, exclude_pk: int | None = None) -> None:
    qs = Variant.objects.filter(sku__iexact=sku)
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    if qs.exists():
        raise Conflict(
            f"SKU '{sku}' is already used.",
            code=CatalogError.DUPLICATE_SKU,
            details={"field": "sku"},
        )


def _save(variant: Variant, **kwargs: Any) -> None:
    try:
        with transaction.atomic():
            variant.save(**kwargs)
    except IntegrityError:
        raise Conflict(
            f"SKU '{variant.sku}' is already used.",
            code=CatalogError.DUPLICATE_SKU,
            details={"field": "sku"},
        ) from None


def variant_state(variant: Variant) -> dict[str, Any]:
    return {f: getattr(variant, f) for f in VARIANT_FIELDS}


def set_product_options(
    *, product: Product, options: list[tuple[str, list[str]]]
) -> list[ProductOption]:
    """Replace the product's options. Dropping a value (or option) a variant uses is a
    Conflict; a newly added option is given its first value on existing variants."""
    cleaned = clean_options(options)
    with transaction.atomic():
        product = Product.objects.select_for_update().get(pk=product.pk)
        current = {o.name: o for o in product.options.all()}
        variants = list(product.variants.all())
        new_map = dict(cleaned)
        for var in variants:
            for key, value in var.option_values.items():
                if value not in new_map.get(key, []):
                    raise Conflict(
                        f"Variant {var.sku} uses {key} '{value}'; change it first.",
                        code=CatalogError.OPTION_VALUE_IN_USE,
                        details={"field": "options", "sku": var.sku},
                    )
        before = {name: o.values for name, o in current.items()}
        ProductOption.objects.filter(product=product).exclude(name__in=list(new_map)).delete()
        result, to_update = [], []
        for pos, (name, values) in enumerate(cleaned):
            opt = current.get(name) or ProductOption(product=product, name=name)
            opt.values, opt.position = values, pos
            if opt.pk:
                to_update.append(opt)
            else:
                opt.save()
            result.append(opt)
        ProductOption.objects.bulk_update(to_update, ["values", "position"])
        added = [(n, vals[0]) for n, vals in cleaned if n not in current]
        filled = []
        for var in variants:
            missing = {n: first for n, first in added if n not in var.option_values}
            if missing:
                var.option_values = {**var.option_values, **missing}
                filled.append(var)
        Variant.objects.bulk_update(filled, ["option_values"])
        after = dict(cleaned)
        if before != after:
            record_audit(
                action="product.options", obj=product, changes={"options": [before, after]}
            )
            emit(
                ProductUpdated(id=product.pk, slug=product.slug, fields=["options"]),
                aggregate=product,
            )
    return result


def create_variant(
    *,
    product: Product,
    sku: str,
    option_values: dict[str, str] | None = None,
    weight_grams: int | None = None,
    hsn_code: str = "",
    barcode: str = "",
    cost: Money | None = None,
    prices: list[PriceInput] | None = None,
    is_active: bool = True,
    position: int | None = None,
) -> Variant:
    sku = v.clean_sku(sku)
    weight = v.clean_weight(weight_grams)
    hsn = v.clean_hsn(hsn_code)
    code = v.clean_barcode(barcode)
    cost_amount, cost_currency = clean_cost(cost)
    cleaned_prices = clean_prices(prices, enabled_currency_codes())
    active = v.clean_bool(is_active, field="is_active")
    pos = v.clean_int(position, field="position", minimum=0, maximum=v.MAX_POSITION)
    with transaction.atomic():
        product = Product.objects.select_for_update().get(pk=product.pk)
        siblings = list(product.variants.all())
        values = clean_option_values(option_values, list(product.options.all()), siblings)
        _check_sku_free(sku)
        if pos is None:
            top = product.variants.aggregate(top=Max("position"))["top"]
            pos = 0 if top is None else top + 1
        variant = Variant(
            product=product,
            sku=sku,
            option_values=values,
            weight_grams=weight,
            hsn_code=hsn,
            barcode=code,
            cost_amount=cost_amount,
            cost_currency=cost_currency,
            is_active=active,
            position=pos,
        )
        _save(variant)
        _, price_changes = write_prices(variant=variant, prices=cleaned_prices, source="editor")
        changes = diff({}, variant_state(variant))
        if price_changes:
            changes["prices"] = price_changes
        record_audit(action="variant.create", obj=variant, changes=changes)
        emit(
            VariantCreated(id=variant.pk, product_id=product.pk, sku=variant.sku),
            aggregate=variant,
        )
    return variant


def update_variant(*, variant: Variant, **changes: Any) -> Variant:
    """Change only the given fields; `prices` upserts the listed currencies."""
    unknown = set(changes) - UPDATABLE
    if unknown:
        raise ValidationError(
            f"Unknown variant field(s): {', '.join(sorted(unknown))}.",
            code=CatalogError.UNKNOWN_FIELD,
            details={"field": sorted(unknown)[0]},
        )
    fields: dict[str, Any] = {}
    if "sku" in changes:
        fields["sku"] = v.clean_sku(changes["sku"])
    if "weight_grams" in changes:
        fields["weight_grams"] = v.clean_weight(changes["weight_grams"])
    if "hsn_code" in changes:
        fields["hsn_code"] = v.clean_hsn(changes["hsn_code"])
    if "barcode" in changes:
        fields["barcode"] = v.clean_barcode(changes["barcode"])
    if "cost" in changes:
        fields["cost_amount"], fields["cost_currency"] = clean_cost(changes["cost"])
    if "is_active" in changes:
        fields["is_active"] = v.clean_bool(changes["is_active"], field="is_active")
    if "position" in changes:
        fields["position"] = v.clean_int(
            changes["position"],
            field="position",
            minimum=0,
            maximum=v.MAX_POSITION,
            allow_none=False,
        )
    cleaned_prices = (
        clean_prices(changes["prices"], enabled_currency_codes()) if "prices" in changes else {}
    )
    with transaction.atomic():
        variant = Variant.objects.select_for_update().select_related("product").get(pk=variant.pk)
        before = variant_state(variant)
        if "option_values" in changes:
            product = variant.product
            siblings = list(product.variants.exclude(pk=variant.pk))
            fields["option_values"] = clean_option_values(
                changes["option_values"], list(product.options.all()), siblings
            )
        if "sku" in fields and fields["sku"] != variant.sku:
            _check_sku_free(fields["sku"], exclude_pk=variant.pk)
        for name, value in fields.items():
            setattr(variant, name, value)
        changed = diff(before, variant_state(variant))
        if changed:
            _save(variant, update_fields=list(fields))
        if "is_active" in changed:
            refresh_price_ranges(product_ids=[variant.product_id])
        _, price_changes = write_prices(variant=variant, prices=cleaned_prices, source="editor")
        if price_changes:
            changed["prices"] = price_changes
        if changed:
            record_audit(action="variant.update", obj=variant, changes=changed)
            emit(
                VariantUpdated(
                    id=variant.pk,
                    product_id=variant.product_id,
                    sku=variant.sku,
                    fields=sorted(changed),
                ),
                aggregate=variant,
            )
    return variant


def delete_variant(*, variant: Variant) -> None:
    """Delete a variant and its prices; refused when orders or stock protect it."""
    with transaction.atomic():
        variant = Variant.objects.select_for_update().get(pk=variant.pk)
        state, pk, product_id = variant_state(variant), variant.pk, variant.product_id
        try:
            with transaction.atomic():
                variant.delete()
        except (ProtectedError, RestrictedError):
            raise Conflict(
                f"Variant {variant.sku} is referenced by other records; deactivate it instead.",
                code=CatalogError.VARIANT_IN_USE,
                details={"field": "variant"},
            ) from None
        variant.pk = pk
        refresh_price_ranges(product_ids=[product_id])
        record_audit(
            action="variant.delete", obj=variant, changes={k: [x, None] for k, x in state.items()}
        )
        emit(VariantDeleted(id=pk, product_id=product_id, sku=state["sku"]), aggregate=variant)
