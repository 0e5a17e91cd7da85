"""Which payment types a cart may use, and how each splits the total.

Rules, in order:
- A type switched off in settings is unavailable. Prepaid and reserve & pay also need a
  gateway for the currency (see `config.gateway_code_for_currency`).
- `PaymentMethodRule`s: destination rules (state for India, country) and item rules
  (product, else the nearest category up the tree); see the model's docstring.
- COD is unavailable above the per-currency maximum COD order value.
- Partial COD is unavailable whenever COD's rules or maximum make COD unavailable (the COD
  on/off switch itself does not: a store may offer only COD with an advance).
- Partial COD advance: product rule > category rule (nearest category, first line) >
  store rule > the settings' percent and minimum; within a scope the first slab whose
  [min, max) range holds the subtotal. advance = max(minimum, percent of the order
  before the COD fee), never above it. The COD fee is collected on delivery, unless
  `cod_fee_upfront` adds it to the advance. The on-delivery part is total - advance, so
  the parts always sum to the total.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings

from haat.catalog.models import Category, Product, Variant
from haat.core.errors import ValidationError
from haat.core.money import Money, money_json
from haat.customers.validation import INDIAN_STATES, country_codes, indian_state
from haat.payments.config import gateway_code_for_currency, get_settings
from haat.payments.models import PartialCodRule, PaymentMethodRule, PaymentSettings, PaymentType

LABELS = {
    PaymentType.PREPAID: "Paying online",
    PaymentType.COD: "Cash on delivery",
    PaymentType.PARTIAL_COD: "Partial cash on delivery",
    PaymentType.RESERVE_AND_PAY: "Reserve & pay",
}
_STATE_CODES = {name: code for code, name in INDIAN_STATES.items()}


@dataclass(frozen=True)
class PaymentOption:
    type: str
    available: bool
    reason: str  # why not, for the shopper ("" when available)
    pay_now: Money
    pay_on_delivery: Money
    fee: Money
    total: Money

    def as_dict(self) -> dict[str, Any]:
        def m(value: Money) -> dict[str, Any] | None:
            return money_json(value.amount, value.currency)

        return {
            "type": self.type,
            "label": LABELS[self.type],
            "available": self.available,
            "reason": self.reason,
            "pay_now": m(self.pay_now),
            "pay_on_delivery": m(self.pay_on_delivery),
            "fee": m(self.fee),
            "total": m(self.total),
        }


@dataclass(frozen=True)
class Destination:
    country: str
    state_code: str  # ISO 3166-2:IN code for India, else ""
    postal_code: str

    @classmethod
    def from_address(cls, address: dict[str, Any]) -> Destination:
        country = str(address.get("country") or "IN").strip().upper()
        if country not in country_codes():
            raise ValidationError(
                f"'{country}' is not an ISO 3166 country code.", details={"field": "country"}
            )
        state = str(address.get("state") or "").strip()
        code = ""
        if country == "IN" and state:
            code = _STATE_CODES[indian_state(state, field="state")]
        return cls(country, code, str(address.get("postal_code") or "").strip()[:20])

    def label(self, scope: str) -> str:
        if scope == PaymentMethodRule.Scope.STATE:
            return INDIAN_STATES.get(self.state_code, self.state_code)
        return self.country


@dataclass(frozen=True)
class Split:
    pay_now: Money
    pay_on_delivery: Money


def split_partial_cod(
    *, base: Money, fee: Money, percent: Decimal, minimum: Money, fee_upfront: bool
) -> Split:
    """Advance = max(minimum, percent of `base`) capped at `base`, plus the fee when paid
    upfront; the rest (with the fee otherwise) on delivery. Always sums to base + fee."""
    advance = max(base.percent(percent), Money(minimum.amount, base.currency))
    advance = min(advance, base)
    if fee_upfront:
        advance = advance + fee
    return Split(advance, base + fee - advance)


class _Catalog:
    """The products in the cart with their categories and the category tree: two
    queries, the tree only when a category rule needs it."""

    def __init__(self, lines: list[tuple[Variant, int]]) -> None:
        seen: dict[int, Product] = {}
        for variant, _ in lines:
            seen.setdefault(variant.product_id, variant.product)
        self.products = list(seen.values())
        self.categories: dict[int, list[int]] = defaultdict(list)
        rows = Product.categories.through.objects.filter(product_id__in=list(seen))
        for product_id, category_id in rows.values_list("product_id", "category_id"):
            self.categories[product_id].append(category_id)
        self._parents: dict[int, int | None] | None = None

    def chain(self, category_id: int) -> Iterable[tuple[int, int]]:
        """(distance, category id) from `category_id` up to its root."""
        if self._parents is None:
            self._parents = dict(Category.objects.values_list("id", "parent_id"))
        distance, current = 0, category_id
        while current is not None and distance < 100:
            yield distance, current
            current = self._parents.get(current)
            distance += 1


def _rule_reason(
    ptype: str, rules: list[PaymentMethodRule], dest: Destination, catalog: _Catalog
) -> str:
    """Why the rules forbid `ptype` for this destination and cart ("" if they don't)."""
    label = LABELS[ptype]
    mine = [r for r in rules if r.payment_type == ptype]
    dims = (
        (PaymentMethodRule.Scope.STATE, dest.state_code, "state_code"),
        (PaymentMethodRule.Scope.COUNTRY, dest.country, "country"),
    )
    for scope, key, field in dims:
        scoped = [r for r in mine if r.scope == scope]
        if scope == PaymentMethodRule.Scope.STATE and dest.country != "IN":
            continue
        matching = [r for r in scoped if getattr(r, field) == key]
        allowed = [r for r in scoped if r.effect == PaymentMethodRule.Effect.ALLOW]
        forbidden = any(r.effect == PaymentMethodRule.Effect.FORBID for r in matching)
        if forbidden or (allowed and not any(r in allowed for r in matching)):
            where = dest.label(scope) or "this address"
            return f"{label} is not available for deliveries to {where}."
    by_product = {r.product_id: r for r in mine if r.scope == PaymentMethodRule.Scope.PRODUCT}
    by_category = {r.category_id: r for r in mine if r.scope == PaymentMethodRule.Scope.CATEGORY}
    for product in catalog.products:
        rule = by_product.get(product.pk)
        if rule is None and by_category:
            nearest = [
                (distance, by_category[cid])
                for category_id in catalog.categories.get(product.pk, [])
                for distance, cid in catalog.chain(category_id)
                if cid in by_category
            ]
            # the nearest rule on each path decides; any forbidding path forbids
            rule = _nearest_verdict(nearest)
        if rule is not None and rule.effect == PaymentMethodRule.Effect.FORBID:
            return f"{label} is not available for {product.title}."
    return ""


def _nearest_verdict(found: list[tuple[int, PaymentMethodRule]]) -> PaymentMethodRule | None:
    if not found:
        return None
    best = min(d for d, _ in found)
    nearest = [r for d, r in found if d == best]
    forbid = [r for r in nearest if r.effect == PaymentMethodRule.Effect.FORBID]
    return forbid[0] if forbid else nearest[0]


def resolve_partial_cod(
    *, cfg: PaymentSettings, currency: str, subtotal: Money, catalog: _Catalog
) -> tuple[Decimal, Money]:
    """(percent, minimum) for partial COD; see the module docstring for the order."""
    rules = list(
        PartialCodRule.objects.filter(currency_id=currency).order_by("min_order_value", "id")
    )
    covering = [r for r in rules if r.covers(subtotal.amount)]
    for product in catalog.products:
        for rule in covering:
            if rule.scope == PartialCodRule.Scope.PRODUCT and rule.product_id == product.pk:
                return rule.percent, rule.minimum
    by_category = {}
    for rule in covering:
        if rule.scope == PartialCodRule.Scope.CATEGORY:
            by_category.setdefault(rule.category_id, rule)
    if by_category:
        found = [
            (distance, line, by_category[cid])
            for line, product in enumerate(catalog.products)
            for category_id in catalog.categories.get(product.pk, [])
            for distance, cid in catalog.chain(category_id)
            if cid in by_category
        ]
        if found:
            rule = min(found, key=lambda f: (f[0], f[1]))[2]
            return rule.percent, rule.minimum
    for rule in covering:
        if rule.scope == PartialCodRule.Scope.STORE:
            return rule.percent, rule.minimum
    return cfg.partial_cod_percent, cfg.amount("partial_cod_minimum", currency)


def payment_options(
    *,
    currency: str,
    lines: list[tuple[Variant, int]],
    subtotal: Money,
    address: dict[str, Any],
    extras: Money | None = None,
) -> list[PaymentOption]:
    """Every payment type with its availability and split. `extras` (shipping, express
    sourcing) is added to the order value before fees and the partial-COD percent."""
    if subtotal.currency != currency:
        raise ValidationError("subtotal is in another currency.", details={"field": "subtotal"})
    dest = Destination.from_address(address)
    cfg = get_settings()
    catalog = _Catalog(lines)
    rules = list(PaymentMethodRule.objects.all())
    base = subtotal + (extras or Money.zero(currency))
    zero = Money.zero(currency)
    cod_fee = cfg.amount("cod_fee", currency)
    has_gateway = bool(gateway_code_for_currency(currency, cfg))

    cod_reason = _rule_reason(PaymentType.COD, rules, dest, catalog)
    limit = cfg.amount("cod_max_order_value", currency)
    if not cod_reason and limit and base > limit:
        cod_reason = (
            f"Cash on delivery is available for orders up to {limit.format(settings.HAAT_LOCALE)}."
        )

    def reason_for(ptype: str) -> str:
        if not cfg.enabled(ptype):
            return f"{LABELS[ptype]} is not offered by this store."
        if ptype in (PaymentType.PREPAID, PaymentType.RESERVE_AND_PAY) and not has_gateway:
            return f"Online payment in {currency} is not set up."
        if ptype == PaymentType.COD:
            return cod_reason
        if ptype == PaymentType.PARTIAL_COD:
            if not has_gateway:
                return f"Online payment in {currency} is not set up."
            if cod_reason:
                return cod_reason
        return _rule_reason(ptype, rules, dest, catalog)

    percent, minimum = resolve_partial_cod(
        cfg=cfg, currency=currency, subtotal=subtotal, catalog=catalog
    )
    partial = split_partial_cod(
        base=base, fee=cod_fee, percent=percent, minimum=minimum, fee_upfront=cfg.cod_fee_upfront
    )
    splits = {
        PaymentType.PREPAID: (base, zero, zero),
        PaymentType.COD: (zero, base + cod_fee, cod_fee),
        PaymentType.PARTIAL_COD: (partial.pay_now, partial.pay_on_delivery, cod_fee),
        PaymentType.RESERVE_AND_PAY: (base, zero, zero),
    }
    options = []
    for ptype in PaymentType.values:
        now, later, fee = splits[ptype]
        reason = reason_for(ptype)
        options.append(PaymentOption(ptype, not reason, reason, now, later, fee, now + later))
    return options


def express_fee(currency: str) -> Money:
    return get_settings().amount("express_fee", currency)
