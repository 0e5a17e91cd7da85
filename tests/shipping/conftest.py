"""Shipping fixtures: three zones as a Jaipur brand sets them up (Rajasthan, rest of India,
international), built through the real services."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from haat.shipping import services
from haat.shipping.models import Zone


@dataclass
class Zones:
    local: Zone
    india: Zone
    world: Zone


@pytest.fixture
def zones(db, currencies) -> Zones:
    currencies("INR", "USD", "EUR")
    local = services.create_zone(name="Rajasthan", states=["Rajasthan"], priority=10)
    india = services.create_zone(name="Rest of India", countries=["IN"], priority=20)
    world = services.create_zone(name="International", cod_allowed=False, priority=30)
    services.set_rate(
        zone=local, currency="INR", service="standard", amount=4900, free_above=99900,
        days_min=1, days_max=2,
    )  # fmt: skip
    services.set_rate(
        zone=local, currency="INR", service="express", amount=14900, days_min=0, days_max=1
    )
    services.set_rate(
        zone=india, currency="INR", service="standard", slabs=[
            {"max_grams": 500, "amount": 7900}, {"max_grams": 2000, "amount": 12900},
        ], free_above=149900, days_min=3, days_max=5,
    )  # fmt: skip
    services.set_rate(
        zone=india, currency="INR", service="express", amount=19900, days_min=1, days_max=2
    )
    services.set_rate(
        zone=world, currency="USD", service="standard", amount=2500, free_above=20000,
        days_min=7, days_max=12,
    )  # fmt: skip
    return Zones(local, india, world)
