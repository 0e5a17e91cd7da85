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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from typing import Any, Protocol

from django.conf import settings

from haat.catalog.models import Category, Product
from haat.core.errors import ValidationError
from haat.core.india import INDIAN_STATES
from haat.core.money import Money, money_json
from haat.customers.validation import country_codes, indian_state
from haat.payments.config import PaymentConfig, gateway_code_for_currency, payment_config
from haat.payments.models import PartialCodRule, PaymentMethodRule, PaymentType

LABELS = {
    PaymentType.PREPAID: "Paying online",
    PaymentType.COD: "Cash on delivery",
    PaymentType.PARTIAL_COD: "Partial cash on delivery",
    PaymentType.RESERVE_AND_PAY: "Reserve & pay",
}
_STATE_CODES = {name: code for code, name in INDIAN_STATES.items()}


class Item(Protocol):
    """What the rules need of a line's variant: its product's id and title (a catalog
    `Variant`, or checkout's `PricedVariant`)."""

    @property
    def product_id(self) -> int: ...

    @property
    def product(self) -> Any: ...


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
    """The products in the cart, with their categories and the category tree read only
    when a category rule needs them (one query each)."""

    def __init__(self, lines: Sequence[tuple[Item, int]]) -> None:
        titles: dict[int, str] = {}
        for item, _ in lines:
            titles.setdefault(item.product_id, item.product.title)
        self.products = list(titles.items())  # (product id, title), in line order
        self._categories: dict[int, list[int]] | None = None
        self._parents: dict[int, int | None] | None = None

    @property
    def categories(self) -> dict[int, list[int]]:
        """Category ids per product id."""
        if self._categories is None:
            self._categories = defaultdict(list)
            rows = Product.categories.through.objects.filter(
                product_id__in=[pk for pk, _ in self.products]
            )
            for product_id, category_id in rows.values_list("product_id", "category_id"):
                self._categories[product_id].append(category_id)
        return self._categories

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
    ptype: str, rules: Sequence[PaymentMethodRule], dest: Destination, catalog: _Catalog
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
    for product_id, title in catalog.products:
        rule = by_product.get(product_id)
        if rule is None and by_category:
            nearest = [
                (distance, by_category[cid])
                for category_id in catalog.categories.get(product_id, [])
                for distance, cid in catalog.chain(category_id)
                if cid in by_category
            ]
            # the nearest rule on each path decides; any forbidding path forbids
            rule = _nearest_verdict(nearest)
        if rule is not None and rule.effect == PaymentMethodRule.Effect.FORBID:
            return f"{label} is not available for {title}."
    return ""


def _nearest_verdict(found: list[tuple[int, PaymentMethodRule]]) -> PaymentMethodRule | None:
    if not found:
        return None
    best = min(d for d, _ in found)
    nearest = [r for d, r in found if d == best]
    forbid = [r for r in nearest if r.effect == PaymentMethodRule.Effect.FORBID]
    return forbid[0] if forbid else nearest[0]


def resolve_partial_cod(
    *, config: PaymentConfig, currency: str, subtotal: Money, catalog: _Catalog
) -> tuple[Decimal, Money]:
    """(percent, minimum) for partial COD; see the module docstring for the order."""
    covering = [
        rule
        for rule in config.partial_cod_rules
        if rule.currency_id == currency and rule.covers(subtotal.amount)
    ]
    for product_id, _ in catalog.products:
        for rule in covering:
            if rule.scope == PartialCodRule.Scope.PRODUCT and rule.product_id == product_id:
                return rule.percent, rule.minimum
    by_category = {}
    for rule in covering:
        if rule.scope == PartialCodRule.Scope.CATEGORY:
            by_category.setdefault(rule.category_id, rule)
    if by_category:
        found = [
            (distance, line, by_category[cid])
            for line, (product_id, _) in enumerate(catalog.products)
            for category_id in catalog.categories.get(product_id, [])
            for distance, cid in catalog.chain(category_id)
            if cid in by_category
        ]
        if found:
            rule = min(found, key=lambda f: (f[0], f[1]))[2]
            return rule.percent, rule.minimum
    for rule in covering:
        if rule.scope == PartialCodRule.Scope.STORE:
            return rule.percent, rule.minimum
    cfg = config.settings
    return cfg.partial_cod_percent, cfg.amount("partial_cod_minimum", currency)


class PaymentQuote:
    """Every payment type's availability and split for one order value, worked out only
    as far as asked: checkout asks for the chosen type alone, and a COD quote with no
    rule in play reads nothing at all (the categories and the gateway are read only for
    the rules and types that need them)."""

    def __init__(
        self,
        *,
        config: PaymentConfig,
        currency: str,
        lines: Sequence[tuple[Item, int]],
        subtotal: Money,
        address: dict[str, Any],
        extras: Money | None = None,
    ) -> None:
        if subtotal.currency != currency:
            raise ValidationError("subtotal is in another currency.", details={"field": "subtotal"})
        self.dest = Destination.from_address(address)
        self.config, self.currency, self.subtotal = config, currency, subtotal
        self.catalog = _Catalog(lines)
        self.base = subtotal + (extras or Money.zero(currency))
        self.cod_fee = config.settings.amount("cod_fee", currency)

    @cached_property
    def has_gateway(self) -> bool:
        return bool(gateway_code_for_currency(self.currency, self.config.settings))

    @cached_property
    def cod_reason(self) -> str:
        """Why COD is not available ("" when it is), its on/off switch aside."""
        reason = _rule_reason(PaymentType.COD, self.config.method_rules, self.dest, self.catalog)
        limit = self.config.settings.amount("cod_max_order_value", self.currency)
        if not reason and limit and self.base > limit:
            reason = (
                "Cash on delivery is available for orders up to "
                f"{limit.format(settings.HAAT_LOCALE)}."
            )
        return reason

    def reason(self, ptype: str) -> str:
        """Why `ptype` is not available ("" when it is)."""
        if not self.config.settings.enabled(ptype):
            return f"{LABELS[ptype]} is not offered by this store."
        online = (PaymentType.PREPAID, PaymentType.RESERVE_AND_PAY, PaymentType.PARTIAL_COD)
        if ptype in online and not self.has_gateway:
            return f"Online payment in {self.currency} is not set up."
        if ptype in (PaymentType.COD, PaymentType.PARTIAL_COD) and self.cod_reason:
            return self.cod_reason
        if ptype == PaymentType.COD:
            return ""
        return _rule_reason(ptype, self.config.method_rules, self.dest, self.catalog)

    def split(self, ptype: str) -> tuple[Money, Money, Money]:
        """(pay now, pay on delivery, fee) for `ptype`."""
        zero = Money.zero(self.currency)
        if ptype == PaymentType.COD:
            return zero, self.base + self.cod_fee, self.cod_fee
        if ptype == PaymentType.PARTIAL_COD:
            percent, minimum = resolve_partial_cod(
                config=self.config,
                currency=self.currency,
                subtotal=self.subtotal,
                catalog=self.catalog,
            )
            partial = split_partial_cod(
                base=self.base,
                fee=self.cod_fee,
                percent=percent,
                minimum=minimum,
                fee_upfront=self.config.settings.cod_fee_upfront,
            )
            return partial.pay_now, partial.pay_on_delivery, self.cod_fee
        return self.base, zero, zero

    def option(self, ptype: str) -> PaymentOption:
        now, later, fee = self.split(ptype)
        reason = self.reason(ptype)
        return PaymentOption(ptype, not reason, reason, now, later, fee, now + later)

    def options(self) -> list[PaymentOption]:
        return [self.option(ptype) for ptype in PaymentType.values]


def payment_options(
    *,
    currency: str,
    lines: Sequence[tuple[Item, int]],
    subtotal: Money,
    address: dict[str, Any],
    extras: Money | None = None,
    config: PaymentConfig | None = None,
) -> list[PaymentOption]:
    """Every payment type with its availability and split. `extras` (shipping, express
    sourcing) is added to the order value before fees and the partial-COD percent.
    `config` defaults to the current `payment_config()`."""
    quote = PaymentQuote(
        config=config or payment_config(),
        currency=currency,
        lines=lines,
        subtotal=subtotal,
        address=address,
        extras=extras,
    )
    return quote.options()
