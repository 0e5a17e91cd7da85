"""Shipping options for a destination, a currency and a parcel: which zone applies, what
each of its services costs, whether cash on delivery is offered, and when it arrives.

The zone: among active zones with a rate in the currency, the most specific one that
matches the address wins: a PIN-prefix match (longer prefixes first) beats a state match,
which beats a country match, which beats a catch-all zone (no countries, states or
prefixes). Between equally specific zones the lower priority number wins, then the older.

A rate's price: free when the order value reaches `free_above`; otherwise the amount of
the lightest weight slab that holds the parcel (not offered when the parcel is heavier
than every slab), or the flat `amount` when the rate has no slabs. A rate is offered only
when the order value is within its `min_order`..`max_order`.

Zones and rates come from the per-process copy (`config.py`: no query while the settings
stamp has not moved); an Indian PIN costs one query when the merchant has a PIN list
(`pins.serviceability`).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from haat.core import settings_stamp
from haat.core.errors import ValidationError
from haat.core.india import state_name
from haat.core.money import Money
from haat.core.settings_stamp import NOT_READ
from haat.shipping import delivery, pins, sql
from haat.shipping.config import ShippingConfig, shipping_config
from haat.shipping.error_codes import ShippingError
from haat.shipping.models import Rate

SERVICE_LABELS = dict(Rate.Service.choices)


@dataclass(frozen=True)
class Destination:
    country: str
    state: str = ""
    postal_code: str = ""


@dataclass(frozen=True)
class Parcel:
    """What is shipped: the total weight in grams and the order value in the currency's
    minor units (the goods, before shipping)."""

    weight_grams: int
    order_value: int


@dataclass(frozen=True)
class Option:
    service: str
    label: str
    price: Money
    free: bool
    cod_allowed: bool
    days_min: int
    days_max: int
    earliest: datetime.date
    latest: datetime.date
    zone_id: int
    zone_name: str
    rate_id: int


@dataclass(frozen=True)
class Quote:
    zone_id: int
    zone_name: str
    options: tuple[Option, ...]
    cod_allowed: bool  # the zone offers COD and the PIN is COD-serviceable
    serviceability: str  # where the PIN answer came from: list, shiprocket, unchecked

    def option(self, service: str) -> Option | None:
        return next((o for o in self.options if o.service == service), None)


def parcel_weight(lines: Iterable[tuple[int | None, int]]) -> int:
    """Total grams of (weight per unit, quantity) lines; a unit without a weight counts 0 g."""
    return sum((weight or 0) * quantity for weight, quantity in lines)


def _specificity(zone: sql.ZoneRow, to: Destination) -> int | None:
    """How specifically `zone` names the address (higher wins), None if it does not."""
    best: int | None = None
    if to.country == "IN" and to.postal_code:
        lengths = [len(p) for p in zone.pin_prefixes if to.postal_code.startswith(p)]
        if lengths:
            best = 3000 + max(lengths)
    if best is None and to.country == "IN" and to.state and to.state in zone.states:
        best = 2000
    if best is None and to.country in zone.countries:
        best = 1000
    if best is None and not (zone.countries or zone.states or zone.pin_prefixes):
        best = 0
    return best


def match_zone(
    zones: tuple[sql.ZoneRow, ...], to: Destination, currency: str
) -> tuple[sql.ZoneRow, tuple[sql.RateRow, ...]] | None:
    """The most specific zone with a rate in `currency` that fits `to`, with those rates."""
    ranked = [
        (s, z, rates)
        for z in zones
        if (rates := tuple(r for r in z.rates if r.currency == currency))
        and (s := _specificity(z, to)) is not None
    ]
    if not ranked:
        return None
    # zones come in (priority, id) order: the first of the most specific wins
    top = max(s for s, _, _ in ranked)
    return next((z, rates) for s, z, rates in ranked if s == top)


def _price(rate: sql.RateRow, parcel: Parcel) -> tuple[int, bool] | None:
    """(amount, free) for the parcel, or None when the rate does not apply to it."""
    if rate.min_order is not None and parcel.order_value < rate.min_order:
        return None
    if rate.max_order is not None and parcel.order_value > rate.max_order:
        return None
    if rate.slabs:
        amount = next((a for grams, a in rate.slabs if parcel.weight_grams <= grams), None)
        if amount is None:
            return None
    else:
        amount = rate.amount
    if rate.free_above is not None and parcel.order_value >= rate.free_above:
        return 0, True
    return amount, amount == 0


def clean_destination(*, country: str, state: str = "", postal_code: str = "") -> Destination:
    """The address parts a quote needs, normalised; refuses an Indian PIN that is not six
    digits and an unknown Indian state (422 naming the field)."""
    country = (country or "").strip().upper()
    if len(country) != 2 or not country.isalpha():
        raise ValidationError("Country must be a two-letter code.", details={"field": "country"})
    postal_code = "".join((postal_code or "").split())
    state = (state or "").strip()
    if country == "IN":
        if postal_code and not pins.valid_pin(postal_code):
            raise ValidationError(
                f"'{postal_code}' is not a six-digit PIN code.", details={"field": "postal_code"}
            )
        if state:
            name = state_name(state)
            if name is None:
                raise ValidationError(
                    f"'{state}' is not an Indian state or union territory.",
                    details={"field": "state"},
                )
            state = name
    return Destination(country=country, state=state, postal_code=postal_code)


def quote(
    *,
    to: Destination,
    currency: str,
    parcel: Parcel,
    now: datetime.datetime | None = None,
    config: ShippingConfig | None = None,
    stamp: int | None = NOT_READ,
) -> Quote:
    """The shipping options for `parcel` to `to` in `currency`, cheapest first. `stamp`:
    the settings stamp when the caller read it already (checkout does, with its lines).

    Raises `no_shipping_option` (422) when no zone or no rate applies, and
    `unserviceable_pin` (422) when no courier reaches the Indian PIN code."""
    if stamp is NOT_READ and (config is None or now is None):
        stamp = settings_stamp.current()  # once, for the zones and the store's time zone
    config = config or shipping_config(stamp=stamp)
    matched = match_zone(config.zones, to, currency)
    if matched is None:
        raise ValidationError(
            f"We do not ship to this address in {currency}.",
            code=ShippingError.NO_SHIPPING_OPTION,
            details={"field": "country", "country": to.country, "currency": currency},
        )
    zone, rates = matched
    service = pins.Serviceability(prepaid=True, cod=True, source="unchecked")
    if to.country == "IN" and to.postal_code:
        service = pins.serviceability(
            pin=to.postal_code,
            weight_grams=parcel.weight_grams,
            pin_list=config.pin_list,
            use_shiprocket=config.shiprocket,
        )
        if not service.prepaid and not service.cod:
            raise ValidationError(
                f"We cannot deliver to PIN code {to.postal_code} yet.",
                code=ShippingError.UNSERVICEABLE_PIN,
                details={"field": "postal_code", "postal_code": to.postal_code},
            )
    now = now or delivery.store_now(stamp=stamp)
    cod = zone.cod_allowed and service.cod
    options = []
    for rate in rates:
        priced = _price(rate, parcel)
        if priced is None:
            continue
        earliest, latest = delivery.delivery_range(
            now,
            cutoff=zone.cutoff_time,
            business_only=zone.business_days_only,
            days_min=rate.days_min,
            days_max=rate.days_max,
        )
        options.append(
            Option(
                service=rate.service,
                label=str(SERVICE_LABELS.get(rate.service, rate.service)),
                price=Money(priced[0], currency),
                free=priced[1],
                cod_allowed=cod,
                days_min=rate.days_min,
                days_max=rate.days_max,
                earliest=earliest,
                latest=latest,
                zone_id=zone.id,
                zone_name=zone.name,
                rate_id=rate.id,
            )
        )
    if not options:
        raise ValidationError(
            f"No shipping rate of {zone.name} applies to this order "
            f"({parcel.weight_grams:,} g). Contact the store.",
            code=ShippingError.NO_SHIPPING_OPTION,
            details={"field": "lines", "zone": zone.name, "weight_grams": parcel.weight_grams},
        )
    options.sort(key=lambda o: (o.price.amount, o.days_max))
    return Quote(
        zone_id=zone.id,
        zone_name=zone.name,
        options=tuple(options),
        cod_allowed=cod,
        serviceability=service.source,
    )
