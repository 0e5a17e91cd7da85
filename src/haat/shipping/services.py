"""Zones and rates: create, change, delete. Every write is validated here, audited, and
atomic; the API and the dashboard only parse and call."""

from __future__ import annotations

import datetime
import re
from typing import Any

from django.db import transaction

from haat.catalog.pricing import check_currency_enabled, enabled_currency_codes
from haat.core.audit import diff, record_audit
from haat.core.errors import ValidationError, field_path
from haat.core.india import state_name
from haat.shipping.models import Rate, WeightSlab, Zone

MAX_AMOUNT = 10**12  # minor units; far above any parcel price, below any column limit
MAX_DAYS = 90
MAX_SLABS = 50
ZONE_FIELDS = (
    "name",
    "countries",
    "states",
    "pin_prefixes",
    "priority",
    "cod_allowed",
    "cutoff_time",
    "business_days_only",
    "is_active",
)
RATE_FIELDS = (
    "amount",
    "free_above",
    "min_order",
    "max_order",
    "days_min",
    "days_max",
    "is_active",
)
_COUNTRY = re.compile(r"^[A-Z]{2}$")
_PREFIX = re.compile(r"^[1-9][0-9]{0,5}$")  # PIN codes never start with 0


def _refuse(message: str, *parts: str | int) -> ValidationError:
    return ValidationError(message, details={"field": field_path(parts)})


def _text_list(value: Any, name: str, limit: int = 200) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _refuse(f"{name} must be a list of text values.", name)
    if len(value) > limit:
        raise _refuse(f"{name}: at most {limit} entries.", name)
    return [v.strip() for v in value if v.strip()]


def _clean_zone(data: dict[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(data) - set(ZONE_FIELDS))
    if unknown:
        raise _refuse(f"Unknown field {unknown[0]}.", unknown[0])
    out = dict(data)
    if "name" in out:
        out["name"] = " ".join(str(out["name"] or "").split())
        if not out["name"] or len(out["name"]) > 120:
            raise _refuse("Name is required (at most 120 characters).", "name")
    if "countries" in out:
        countries = [c.upper() for c in _text_list(out["countries"], "countries")]
        for i, code in enumerate(countries):
            if not _COUNTRY.match(code):
                raise _refuse(f"'{code}' is not a two-letter country code.", "countries", i)
        out["countries"] = sorted(set(countries))
    if "states" in out:
        states = []
        for i, raw in enumerate(_text_list(out["states"], "states")):
            name = state_name(raw)
            if name is None:
                raise _refuse(f"'{raw}' is not an Indian state or union territory.", "states", i)
            states.append(name)
        out["states"] = sorted(set(states))
    if "pin_prefixes" in out:
        prefixes = _text_list(out["pin_prefixes"], "pin_prefixes", limit=1000)
        for i, prefix in enumerate(prefixes):
            if not _PREFIX.match(prefix):
                raise _refuse(
                    f"'{prefix}' is not the start of a PIN code (1 to 6 digits, not from 0).",
                    "pin_prefixes",
                    i,
                )
        out["pin_prefixes"] = sorted(set(prefixes))
    if "priority" in out:
        p = out["priority"]
        if isinstance(p, bool) or not isinstance(p, int) or not 0 <= p <= 10_000:
            raise _refuse("Priority must be a whole number from 0 to 10,000.", "priority")
    if "cutoff_time" in out:
        out["cutoff_time"] = _time(out["cutoff_time"])
    for flag in ("cod_allowed", "business_days_only", "is_active"):
        if flag in out and not isinstance(out[flag], bool):
            raise _refuse(f"{flag} must be true or false.", flag)
    return out


def _time(value: Any) -> datetime.time:
    if isinstance(value, datetime.time):
        return value.replace(second=0, microsecond=0, tzinfo=None)
    try:
        return datetime.time.fromisoformat(str(value or ""))
    except ValueError:
        raise _refuse("Cut-off time must be a time of day such as 14:00.", "cutoff_time") from None


def _zone_state(zone: Zone) -> dict[str, Any]:
    state = {f: getattr(zone, f) for f in ZONE_FIELDS}
    state["cutoff_time"] = zone.cutoff_time.strftime("%H:%M")
    return state


def create_zone(**fields: Any) -> Zone:
    """A zone from `ZONE_FIELDS` (name required; the rest have defaults)."""
    clean = _clean_zone({"name": "", **fields})
    with transaction.atomic():
        zone = Zone.objects.create(**clean)
        record_audit(action="shipping.zone.create", obj=zone, changes=diff({}, _zone_state(zone)))
    return zone


def update_zone(*, zone: Zone, **changes: Any) -> Zone:
    clean = _clean_zone(changes)
    with transaction.atomic():
        before = _zone_state(zone)
        for key, value in clean.items():
            setattr(zone, key, value)
        zone.save()
        record_audit(
            action="shipping.zone.update", obj=zone, changes=diff(before, _zone_state(zone))
        )
    return zone


def delete_zone(*, zone: Zone) -> None:
    """Deletes the zone and its rates (orders keep the rate they were sold with as text and
    amounts, never a reference)."""
    with transaction.atomic():
        record_audit(action="shipping.zone.delete", obj=zone, changes=_zone_state(zone))
        zone.delete()


def _money(value: Any, name: str, *, required: bool = False) -> int | None:
    if value is None and not required:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_AMOUNT:
        raise _refuse(f"{name} must be a whole number of minor units, 0 or more.", name)
    return value


def _clean_rate(data: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {
        "amount": _money(data.get("amount", 0), "amount", required=True),
        "free_above": _money(data.get("free_above"), "free_above"),
        "min_order": _money(data.get("min_order"), "min_order"),
        "max_order": _money(data.get("max_order"), "max_order"),
        "is_active": data.get("is_active", True),
    }
    if not isinstance(out["is_active"], bool):
        raise _refuse("is_active must be true or false.", "is_active")
    for name in ("days_min", "days_max"):
        days = data.get(name, 3 if name == "days_min" else 5)
        if isinstance(days, bool) or not isinstance(days, int) or not 0 <= days <= MAX_DAYS:
            raise _refuse(f"{name} must be a whole number of days from 0 to {MAX_DAYS}.", name)
        out[name] = days
    if out["days_max"] < out["days_min"]:
        raise _refuse("days_max must be at least days_min.", "days_max")
    if (
        out["min_order"] is not None
        and out["max_order"] is not None
        and out["max_order"] < out["min_order"]
    ):
        raise _refuse("max_order must be at least min_order.", "max_order")
    return out


def _clean_slabs(slabs: Any) -> list[tuple[int, int]]:
    if slabs is None:
        return []
    if not isinstance(slabs, list) or len(slabs) > MAX_SLABS:
        raise _refuse(f"slabs must be a list of at most {MAX_SLABS} weight bands.", "slabs")
    seen: set[int] = set()
    out = []
    for i, slab in enumerate(slabs):
        if not isinstance(slab, dict):
            raise _refuse("Each slab needs max_grams and amount.", "slabs", i)
        grams = slab.get("max_grams")
        if isinstance(grams, bool) or not isinstance(grams, int) or not 0 < grams <= 10**8:
            raise _refuse(
                "max_grams must be a whole number of grams above 0.", "slabs", i, "max_grams"
            )
        if grams in seen:
            raise _refuse(f"Two slabs end at {grams} g.", "slabs", i, "max_grams")
        seen.add(grams)
        amount = _money(slab.get("amount"), "amount", required=True)
        out.append((grams, int(amount or 0)))
    return sorted(out)


def _rate_state(rate: Rate, slabs: list[tuple[int, int]]) -> dict[str, Any]:
    state = {f: getattr(rate, f) for f in RATE_FIELDS}
    state.update(currency=rate.currency_id, service=rate.service, slabs=[list(s) for s in slabs])
    return state


def set_rate(*, zone: Zone, currency: str, service: str, slabs: Any = None, **fields: Any) -> Rate:
    """Create or replace the rate of `service` in `currency` for `zone` (slabs replaced too:
    an empty list means a flat `amount`)."""
    unknown = sorted(set(fields) - set(RATE_FIELDS))
    if unknown:
        raise _refuse(f"Unknown field {unknown[0]}.", unknown[0])
    code = check_currency_enabled(currency, enabled_currency_codes(), field="currency")
    if service not in Rate.Service.values:
        raise _refuse(f"Service must be one of {', '.join(Rate.Service.values)}.", "service")
    clean = _clean_rate(fields)
    bands = _clean_slabs(slabs)
    with transaction.atomic():
        rate = (
            Rate.objects.select_for_update()
            .filter(zone=zone, currency_id=code, service=service)
            .first()
        )
        before: dict[str, Any] = {}
        if rate is None:
            rate = Rate(zone=zone, currency_id=code, service=service)
        else:
            old = list(rate.slabs.values_list("max_grams", "amount"))
            before = _rate_state(rate, old)
        for key, value in clean.items():
            setattr(rate, key, value)
        rate.save()
        rate.slabs.all().delete()
        WeightSlab.objects.bulk_create(
            [WeightSlab(rate=rate, max_grams=g, amount=a) for g, a in bands]
        )
        record_audit(
            action="shipping.rate.set",
            obj=zone,
            changes=diff(before, _rate_state(rate, bands)) | {"service": service, "currency": code},
        )
    return rate


def delete_rate(*, rate: Rate) -> None:
    with transaction.atomic():
        record_audit(
            action="shipping.rate.delete",
            obj=rate.zone,
            changes={"service": rate.service, "currency": rate.currency_id},
        )
        rate.delete()
