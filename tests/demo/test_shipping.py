"""The demo store's shipping: local, national and international zones with plausible
rates, and a serviceable-PIN list that covers the demo orders' addresses."""

from __future__ import annotations

import pytest

from haat.core.errors import ValidationError
from haat.shipping.models import ServiceablePin, Zone
from haat.shipping.quote import Parcel, clean_destination, quote


def _quote(currency="INR", grams=800, value=189900, **to):
    return quote(
        to=clean_destination(**to), currency=currency,
        parcel=Parcel(weight_grams=grams, order_value=value),
    )  # fmt: skip


def test_three_zones_and_pins(demo):
    assert list(Zone.objects.values_list("name", flat=True)) == [
        "Rajasthan",
        "Rest of India",
        "International",
    ]
    assert ServiceablePin.objects.filter(pin="302003").exists()  # the store's own PIN
    assert ServiceablePin.objects.filter(pin="411005").exists()  # the docs' examples


def test_demo_quotes(demo):
    jaipur = _quote(country="IN", state="Rajasthan", postal_code="302017")
    assert jaipur.option("standard").free  # above ₹999
    bengaluru = _quote(country="IN", state="Karnataka", postal_code="560038", value=89900)
    assert bengaluru.option("standard").price.amount == 9900  # the 1 kg slab
    assert bengaluru.cod_allowed
    remote = _quote(country="IN", state="Arunachal Pradesh", postal_code="791111")
    assert not remote.cod_allowed
    world = _quote(currency="USD", country="US", value=5900)
    assert world.option("standard").price.amount == 1900 and not world.cod_allowed
    assert _quote(currency="EUR", country="DE", value=5900).option("express") is not None
    with pytest.raises(ValidationError) as caught:
        _quote(country="IN", state="Kerala", postal_code="682001")
    assert caught.value.code == "unserviceable_pin"
