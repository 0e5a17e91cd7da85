"""Reads shaped for the API and the dashboard: zones with their rates (three queries
however many zones), rates and options in the merchant's words."""

from __future__ import annotations

import datetime
from typing import Any

from babel import Locale
from django.conf import settings
from django.db.models import Prefetch, QuerySet

from haat.core.money import formatted, money_json
from haat.shipping.models import Rate, ServiceablePin, ShiprocketAccount, WeightSlab, Zone
from haat.shipping.quote import Option, Quote


def zones() -> QuerySet[Zone]:
    return Zone.objects.prefetch_related(
        Prefetch(
            "rates",
            Rate.objects.order_by("currency_id", "service").prefetch_related(
                Prefetch("slabs", WeightSlab.objects.order_by("max_grams"))
            ),
        )
    )


def days_text(days_min: int, days_max: int) -> str:
    """E.g. "Delivery in 3 to 5 days" written with an en dash, "Delivery in 2 days"."""
    if days_max == 0:
        return "Delivery the same day"
    if days_min == days_max:
        return f"Delivery in {days_max} day{'s' if days_max != 1 else ''}"
    return f"Delivery in {days_min}–{days_max} days"


def _money(amount: int, currency: str) -> str:
    return formatted(amount, currency, settings.HAAT_LOCALE)


def price_text(rate: Rate) -> str:
    """ "₹60.00", "Up to 500 g ₹60.00 · up to 1,000 g ₹90.00", "Free"."""
    slabs = list(rate.slabs.all())
    if slabs:
        return " · ".join(
            f"up to {s.max_grams:,} g {_money(s.amount, rate.currency_id)}" for s in slabs
        ).capitalize()
    return "Free" if rate.amount == 0 else _money(rate.amount, rate.currency_id)


def conditions_text(rate: Rate) -> list[str]:
    """The rate's conditions as short sentences, e.g. "Free above ₹999.00"."""
    rows = []
    if rate.free_above is not None:
        rows.append(f"Free above {_money(rate.free_above, rate.currency_id)}")
    if rate.min_order is not None and rate.max_order is not None:
        rows.append(
            f"For orders of {_money(rate.min_order, rate.currency_id)} to "
            f"{_money(rate.max_order, rate.currency_id)}"
        )
    elif rate.min_order is not None:
        rows.append(f"For orders of {_money(rate.min_order, rate.currency_id)} or more")
    elif rate.max_order is not None:
        rows.append(f"For orders up to {_money(rate.max_order, rate.currency_id)}")
    rows.append(days_text(rate.days_min, rate.days_max))
    return rows


def rate_json(rate: Rate) -> dict[str, Any]:
    c = rate.currency_id
    return {
        "id": rate.pk,
        "service": rate.service,
        "service_label": rate.get_service_display(),
        "currency": c,
        "price": money_json(rate.amount, c),
        "slabs": [
            {"max_grams": s.max_grams, "price": money_json(s.amount, c)} for s in rate.slabs.all()
        ],
        "free_above": money_json(rate.free_above, c),
        "min_order": money_json(rate.min_order, c),
        "max_order": money_json(rate.max_order, c),
        "days_min": rate.days_min,
        "days_max": rate.days_max,
        "is_active": rate.is_active,
        "summary": ", ".join([price_text(rate), *conditions_text(rate)]),
    }


def zone_json(zone: Zone) -> dict[str, Any]:
    return {
        "id": zone.pk,
        "name": zone.name,
        "countries": zone.countries,
        "states": zone.states,
        "pin_prefixes": zone.pin_prefixes,
        "priority": zone.priority,
        "cod_allowed": zone.cod_allowed,
        "cutoff_time": zone.cutoff_time.strftime("%H:%M"),
        "business_days_only": zone.business_days_only,
        "is_active": zone.is_active,
        "rates": [rate_json(r) for r in zone.rates.all()],
    }


def country_name(code: str) -> str:
    """ "India" for IN, in the store's locale; the code itself when Babel has no name."""
    return Locale.parse(settings.HAAT_LOCALE).territories.get(code, code)


def where_text(zone: Zone) -> str:
    """Where a zone applies, in words: "Rajasthan; PIN codes 302…, 303…"."""
    parts = []
    if zone.countries:
        parts.append(", ".join(country_name(c) for c in zone.countries))
    if zone.states:
        parts.append(", ".join(zone.states))
    if zone.pin_prefixes:
        parts.append("PIN codes " + ", ".join(f"{p}…" for p in zone.pin_prefixes))
    return "; ".join(parts) or "Everywhere no other zone covers"


def _date(day: datetime.date) -> str:
    return day.strftime("%a %-d %b")


def option_json(option: Option) -> dict[str, Any]:
    by = (
        f"by {_date(option.latest)}"
        if option.earliest == option.latest
        else f"{_date(option.earliest)} – {_date(option.latest)}"
    )
    return {
        "service": option.service,
        "label": option.label,
        "price": money_json(option.price.amount, option.price.currency),
        "free": option.free,
        "cod_allowed": option.cod_allowed,
        "days_min": option.days_min,
        "days_max": option.days_max,
        "estimated_delivery_earliest": option.earliest.isoformat(),
        "estimated_delivery_latest": option.latest.isoformat(),
        "delivery_text": f"{days_text(option.days_min, option.days_max)} ({by})",
    }


def quote_json(quote: Quote, *, weight_grams: int, order_value: int, currency: str) -> dict:
    return {
        "zone": quote.zone_name,
        "cod_allowed": quote.cod_allowed,
        "weight_grams": weight_grams,
        "order_value": money_json(order_value, currency),
        "options": [option_json(o) for o in quote.options],
    }


def pins(q: str = "") -> QuerySet[ServiceablePin]:
    rows = ServiceablePin.objects.all()
    return rows.filter(pin__startswith=q) if q else rows


def shiprocket_json() -> dict[str, Any]:
    row = ShiprocketAccount.objects.filter(pk=1).first() or ShiprocketAccount()
    return {
        "email": row.email,
        "has_password": bool(row.password_encrypted),
        "pickup_postcode": row.pickup_postcode,
        "is_enabled": row.is_enabled,
        "token_valid_until": row.token_expires_at.isoformat() if row.token_expires_at else None,
    }
