"""Quotes: which zone applies, what each service costs, when it arrives; one query for
zones and rates, plus the PIN check."""

from __future__ import annotations

import datetime

import pytest

from haat.core.errors import ValidationError
from haat.core.settings_stamp import bump
from haat.shipping import services
from haat.shipping.delivery import delivery_range, dispatch_date
from haat.shipping.models import Rate, ServiceablePin
from haat.shipping.quote import Parcel, clean_destination, quote

# Wednesday 2 December 2026, 10:00 and 16:00 in the store's time zone.
IST = datetime.timezone(datetime.timedelta(hours=5, minutes=30))
MORNING = datetime.datetime(2026, 12, 2, 10, 0, tzinfo=IST)
EVENING = datetime.datetime(2026, 12, 2, 16, 0, tzinfo=IST)


def _quote(country="IN", state="", pin="", currency="INR", grams=400, value=50000, now=MORNING):
    return quote(
        to=clean_destination(country=country, state=state, postal_code=pin),
        currency=currency,
        parcel=Parcel(weight_grams=grams, order_value=value),
        now=now,
    )


def test_state_zone_beats_country_zone(zones):
    q = _quote(state="Rajasthan", pin="302001")
    assert q.zone_name == "Rajasthan"
    assert [(o.service, o.price.amount) for o in q.options] == [
        ("standard", 4900),
        ("express", 14900),
    ]
    assert q.cod_allowed


def test_state_is_matched_by_code_or_alias(zones):
    assert _quote(state="rj").zone_name == "Rajasthan"


def test_country_zone_for_other_states(zones):
    q = _quote(state="Karnataka", pin="560025")
    assert q.zone_name == "Rest of India"
    assert q.option("standard").price.amount == 7900  # the 500 g slab


def test_pin_prefix_beats_state(zones):
    jaipur = services.create_zone(name="Jaipur city", pin_prefixes=["302"], priority=50)
    services.set_rate(zone=jaipur, currency="INR", service="standard", amount=0)
    q = _quote(state="Rajasthan", pin="302017")
    assert q.zone_name == "Jaipur city"
    assert q.options[0].free
    assert _quote(state="Rajasthan", pin="305001").zone_name == "Rajasthan"


def test_longer_prefix_wins_then_priority(zones):
    wide = services.create_zone(name="Wide", pin_prefixes=["30"], priority=1)
    narrow = services.create_zone(name="Narrow", pin_prefixes=["3020"], priority=99)
    for zone in (wide, narrow):
        services.set_rate(zone=zone, currency="INR", service="standard", amount=100)
    assert _quote(pin="302001").zone_name == "Narrow"
    twin = services.create_zone(name="Twin", pin_prefixes=["3020"], priority=5)
    services.set_rate(zone=twin, currency="INR", service="standard", amount=100)
    assert _quote(pin="302001").zone_name == "Twin"


def test_catch_all_zone_for_other_countries(zones):
    q = _quote(country="US", currency="USD", grams=1200, value=5000)
    assert q.zone_name == "International"
    assert q.option("standard").price.amount == 2500
    assert not q.cod_allowed and not q.options[0].cod_allowed


def test_a_zone_without_a_rate_in_the_currency_is_skipped(zones):
    # Rajasthan has no USD rate: the catch-all zone with one answers instead.
    assert _quote(state="Rajasthan", currency="USD").zone_name == "International"


def test_no_zone_in_currency_is_422(zones):
    with pytest.raises(ValidationError) as caught:
        _quote(country="FR", currency="EUR")
    assert caught.value.code == "no_shipping_option"


def test_free_above_threshold(zones):
    q = _quote(state="Rajasthan", value=99900)
    standard = q.option("standard")
    assert standard.price.amount == 0 and standard.free
    assert q.option("express").price.amount == 14900
    assert _quote(state="Rajasthan", value=99899).option("standard").price.amount == 4900


def test_weight_slabs_and_too_heavy(zones):
    assert _quote(state="Goa", grams=500).option("standard").price.amount == 7900
    assert _quote(state="Goa", grams=501).option("standard").price.amount == 12900
    heavy = _quote(state="Goa", grams=2500)  # heavier than every slab: standard not offered
    assert [o.service for o in heavy.options] == ["express"]


def test_min_and_max_order_value(zones):
    services.set_rate(
        zone=zones.india, currency="INR", service="express", amount=19900, min_order=100000
    )
    assert _quote(state="Goa", value=99999).option("express") is None
    assert _quote(state="Goa", value=100000).option("express") is not None
    services.set_rate(zone=zones.india, currency="INR", service="standard", amount=1, max_order=10)
    services.set_rate(zone=zones.india, currency="INR", service="express", amount=1, max_order=10)
    with pytest.raises(ValidationError) as caught:
        _quote(state="Goa", value=50000)
    assert caught.value.code == "no_shipping_option"


def test_zone_without_cod(zones):
    services.update_zone(zone=zones.local, cod_allowed=False)
    q = _quote(state="Rajasthan")
    assert not q.cod_allowed and not any(o.cod_allowed for o in q.options)


def test_inactive_zone_and_rate_are_ignored(zones):
    services.update_zone(zone=zones.local, is_active=False)
    assert _quote(state="Rajasthan").zone_name == "Rest of India"


def test_unserviceable_pin_is_refused(zones):
    ServiceablePin.objects.create(pin="302001")
    with pytest.raises(ValidationError) as caught:
        _quote(state="Rajasthan", pin="560025")
    assert caught.value.code == "unserviceable_pin"
    assert caught.value.details["field"] == "postal_code"
    assert caught.value.http_status == 422


def test_cod_unserviceable_pin_hides_cod(zones):
    ServiceablePin.objects.create(pin="302001", cod=False)
    q = _quote(state="Rajasthan", pin="302001")
    assert not q.cod_allowed and q.serviceability == "list"


def test_bad_pin_and_state_are_422():
    with pytest.raises(ValidationError) as caught:
        clean_destination(country="IN", postal_code="02001")
    assert caught.value.details["field"] == "postal_code"
    with pytest.raises(ValidationError) as caught:
        clean_destination(country="IN", state="Atlantis")
    assert caught.value.details["field"] == "state"


def test_delivery_dates_follow_cutoff_and_skip_sundays(zones):
    q = _quote(state="Goa", now=MORNING)  # Wed, before the 14:00 cut-off: leaves Wed
    standard = q.option("standard")
    assert (standard.earliest, standard.latest) == (
        datetime.date(2026, 12, 5),  # Wed + 3 business days = Sat
        datetime.date(2026, 12, 8),  # + 5 = Tue (Sunday skipped)
    )
    late = _quote(state="Goa", now=EVENING).option("standard")  # leaves Thu
    assert (late.earliest, late.latest) == (datetime.date(2026, 12, 7), datetime.date(2026, 12, 9))


def test_dispatch_on_sunday_moves_to_monday():
    sunday = datetime.datetime(2026, 12, 6, 9, 0)
    assert dispatch_date(sunday, cutoff=datetime.time(14), business_only=True) == datetime.date(
        2026, 12, 7
    )
    assert dispatch_date(sunday, cutoff=datetime.time(14), business_only=False) == sunday.date()
    assert (
        delivery_range(
            sunday, cutoff=datetime.time(14), business_only=False, days_min=1, days_max=1
        )
        == (datetime.date(2026, 12, 7),) * 2
    )


def test_quote_costs_a_constant_number_of_queries(zones, django_assert_num_queries):
    for i in range(5):
        zone = services.create_zone(name=f"Extra {i}", pin_prefixes=[f"{i + 1}1"], priority=i)
        services.set_rate(
            zone=zone, currency="INR", service="standard",
            slabs=[{"max_grams": g, "amount": g} for g in (500, 1000, 2000)],
        )  # fmt: skip
    ServiceablePin.objects.create(pin="302001")
    # After a change: the stamp, then zones+rates+slabs in one statement, whether the PIN
    # list has rows, the Shiprocket account, the stamp again; the PIN's row.
    with django_assert_num_queries(6):
        _quote(state="Rajasthan", pin="302001")
    # Settings unchanged: the stamp and the PIN's row only.
    with django_assert_num_queries(2):
        _quote(state="Rajasthan", pin="302001")
    with django_assert_num_queries(1):
        _quote(country="US", currency="USD")


def test_another_process_sees_a_rate_change(zones):
    """The copy is dropped when the stamp moves, even for a write this copy never saw."""
    assert _quote(state="Rajasthan").option("standard").price.amount == 4900
    Rate.objects.filter(zone=zones.local, service="standard").update(amount=5900)
    bump()  # what the writing process's save does
    assert _quote(state="Rajasthan").option("standard").price.amount == 5900
