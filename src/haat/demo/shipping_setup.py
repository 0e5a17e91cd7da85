"""The demo store's shipping, set through the shipping services: Kesari Lane ships from
Jaipur, so Rajasthan is local (cheap, fast, free above ₹999), the rest of India pays by
weight (free above ₹1,499), the world pays in dollars or euros without cash on delivery;
every zone has an express option. A short list of serviceable PIN codes (the metros, the
demo orders' addresses and the documentation's examples, a few remote PINs served prepaid
only): with a list, checkout refuses any other Indian PIN (try 682001), as a merchant
without Shiprocket would have it."""

from __future__ import annotations

import io

from haat.shipping import pins, services

PIN_CSV = """pin,prepaid,cod,city,state
302001,yes,yes,Jaipur,Rajasthan
302003,yes,yes,Jaipur,Rajasthan
302017,yes,yes,Jaipur,Rajasthan
305001,yes,yes,Ajmer,Rajasthan
313001,yes,yes,Udaipur,Rajasthan
342001,yes,yes,Jodhpur,Rajasthan
110001,yes,yes,New Delhi,Delhi
110024,yes,yes,New Delhi,Delhi
380001,yes,yes,Ahmedabad,Gujarat
400001,yes,yes,Mumbai,Maharashtra
400050,yes,yes,Mumbai,Maharashtra
400059,yes,yes,Mumbai,Maharashtra
411001,yes,yes,Pune,Maharashtra
411005,yes,yes,Pune,Maharashtra
500001,yes,yes,Hyderabad,Telangana
560025,yes,yes,Bengaluru,Karnataka
560038,yes,yes,Bengaluru,Karnataka
600001,yes,yes,Chennai,Tamil Nadu
700001,yes,yes,Kolkata,West Bengal
700029,yes,yes,Kolkata,West Bengal
744101,yes,no,Port Blair,Andaman and Nicobar Islands
791111,yes,no,Itanagar,Arunachal Pradesh
"""


def configure_shipping() -> int:
    """Three zones with standard and express rates; returns the number of zones."""
    local = services.create_zone(
        name="Rajasthan", states=["Rajasthan"], priority=10, cutoff_time="15:00"
    )
    services.set_rate(
        zone=local, currency="INR", service="standard", amount=4900, free_above=99900,
        days_min=1, days_max=3,
    )  # fmt: skip
    services.set_rate(
        zone=local, currency="INR", service="express", amount=14900, days_min=1, days_max=1
    )
    india = services.create_zone(name="Rest of India", countries=["IN"], priority=20)
    services.set_rate(
        zone=india, currency="INR", service="standard",
        slabs=[{"max_grams": 500, "amount": 7900}, {"max_grams": 1000, "amount": 9900},
               {"max_grams": 3000, "amount": 14900}, {"max_grams": 10000, "amount": 29900}],
        free_above=149900, days_min=3, days_max=6,
    )  # fmt: skip
    services.set_rate(
        zone=india, currency="INR", service="express",
        slabs=[{"max_grams": 1000, "amount": 19900}, {"max_grams": 5000, "amount": 34900}],
        days_min=1, days_max=3,
    )  # fmt: skip
    world = services.create_zone(name="International", cod_allowed=False, priority=30)
    for currency, standard, express, free in (
        ("USD", 1900, 3900, 15000),
        ("EUR", 1800, 3600, 14000),
    ):
        services.set_rate(
            zone=world, currency=currency, service="standard", free_above=free,
            slabs=[{"max_grams": 1000, "amount": standard},
                   {"max_grams": 5000, "amount": standard * 2}],
            days_min=8, days_max=14,
        )  # fmt: skip
        services.set_rate(
            zone=world, currency=currency, service="express",
            slabs=[{"max_grams": 2000, "amount": express}], days_min=3, days_max=5,
        )  # fmt: skip
    pins.import_csv(file=io.BytesIO(PIN_CSV.encode()))
    return 3
