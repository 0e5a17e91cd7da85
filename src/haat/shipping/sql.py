"""Shipping's hand-written SQL: its own tables only, rows handed back as frozen values.

`zone_rates()` is the one read behind every quote (cart, checkout, the storefront's quote
endpoint): the active zones with their active rates (every currency) and the rates' weight
slabs, in ONE statement however many zones and slabs there are. Each process keeps the
result until the settings stamp moves (`config.py`), so a quote usually reads nothing.
Zone matching is done in Python (`quote.py`): a store has a few dozen zones at most, and
matching by country, state and PIN prefix over JSON lists is not portable SQL.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass
from typing import Any

from haat.core import sql


@dataclass(frozen=True)
class RateRow:
    id: int
    currency: str
    service: str
    amount: int
    free_above: int | None
    min_order: int | None
    max_order: int | None
    days_min: int
    days_max: int
    slabs: tuple[tuple[int, int], ...]  # (max_grams, amount), lightest first


@dataclass(frozen=True)
class ZoneRow:
    id: int
    name: str
    countries: tuple[str, ...]
    states: tuple[str, ...]
    pin_prefixes: tuple[str, ...]
    priority: int
    cod_allowed: bool
    cutoff_time: datetime.time
    business_days_only: bool
    rates: tuple[RateRow, ...]


def _json_list(value: Any) -> tuple[str, ...]:
    # SQLite hands JSON columns back as text, PostgreSQL (jsonb) as Python values.
    if isinstance(value, str):
        value = json.loads(value)
    return tuple(str(v) for v in value or ())


def _time(value: Any) -> datetime.time:
    return value if isinstance(value, datetime.time) else datetime.time.fromisoformat(value)


_STATEMENT = """
SELECT z.id, z.name, z.countries, z.states, z.pin_prefixes, z.priority, z.cod_allowed,
       z.cutoff_time, z.business_days_only,
       r.id, r.service, r.amount, r.free_above, r.min_order, r.max_order, r.days_min,
       r.days_max, s.max_grams, s.amount, r.currency_id
FROM shipping_zone z
LEFT JOIN shipping_rate r ON r.zone_id = z.id AND r.is_active
LEFT JOIN shipping_weightslab s ON s.rate_id = r.id
WHERE z.is_active
ORDER BY z.priority, z.id, r.currency_id, r.service, s.max_grams
"""


def zone_rates() -> list[ZoneRow]:
    """Active zones in priority order, each with its active rates (every currency) and
    their slabs. One query."""
    zones: dict[int, dict[str, Any]] = {}
    rates: dict[int, dict[int, dict[str, Any]]] = {}
    for row in sql.fetch_all(_STATEMENT):
        zone_id, rate_id = row[0], row[9]
        if zone_id not in zones:
            zones[zone_id] = {
                "id": zone_id,
                "name": row[1],
                "countries": _json_list(row[2]),
                "states": _json_list(row[3]),
                "pin_prefixes": _json_list(row[4]),
                "priority": row[5],
                "cod_allowed": bool(row[6]),
                "cutoff_time": _time(row[7]),
                "business_days_only": bool(row[8]),
            }
            rates[zone_id] = {}
        if rate_id is None:  # a zone without rates
            continue
        rate = rates[zone_id].setdefault(
            rate_id,
            {
                "id": rate_id,
                "currency": row[19],
                "service": row[10],
                "amount": row[11],
                "free_above": row[12],
                "min_order": row[13],
                "max_order": row[14],
                "days_min": row[15],
                "days_max": row[16],
                "slabs": [],
            },
        )
        if row[17] is not None:
            rate["slabs"].append((row[17], row[18]))
    return [
        ZoneRow(
            **fields,
            rates=tuple(
                RateRow(**{**r, "slabs": tuple(r["slabs"])}) for r in rates[zone_id].values()
            ),
        )
        for zone_id, fields in zones.items()
    ]
