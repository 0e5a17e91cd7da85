"""The GST of a set of priced lines as this store charges it: each variant's rate
(`tax.sql.effective_rates`), the prices-include-tax setting, the store's state and GSTIN
(`core.store`), handed to the pure computation (`tax.gst.compute`). What a cart, checkout
or invoice asks for; reads one statement for the rates (none when the caller passes them,
e.g. read as part of its own statement) plus the settings stamp (none when passed)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from haat.core import settings_stamp
from haat.core.india import state_name
from haat.core.store import store
from haat.tax.gst import Invoice, LineIn, compute
from haat.tax.selectors import tax_config
from haat.tax.sql import EffectiveRate, effective_rates


@dataclass(frozen=True)
class TaxableLine:
    """A line as priced in its currency: unit price and discount in minor units."""

    variant_id: int
    unit_price: int
    quantity: int
    discount: int = 0


def gst_for(
    lines: Sequence[TaxableLine],
    *,
    currency: str,
    place_of_supply: str | None,
    rates: Mapping[int, EffectiveRate] | None = None,
    stamp: int | None = settings_stamp.NOT_READ,
    delivery_country: str = "IN",
) -> Invoice:
    """The invoice's GST for `lines` delivered to `place_of_supply` (a state name, code or
    alias; None before an address is known: the store's own state applies). `rates` and
    the settings `stamp`, when the caller read them in its own statement, save a query each."""
    if rates is None:
        rates = effective_rates(line.variant_id for line in lines)
    if stamp is settings_stamp.NOT_READ:
        stamp = settings_stamp.current()
    details = store(stamp=stamp)
    seller = details.state if details.country == "IN" else ""
    place = state_name(place_of_supply or "") or (place_of_supply or None)
    return compute(
        [
            LineIn(
                unit_price=line.unit_price,
                quantity=line.quantity,
                rate=rates[line.variant_id].rate,
                cess=rates[line.variant_id].cess,
                discount=line.discount,
            )
            for line in lines
        ],
        seller_state=seller,
        place_of_supply=place,
        currency=currency,
        prices_include_tax=tax_config(stamp=stamp).prices_include_tax,
        registered=bool(details.gstin and seller),
        exported=(delivery_country or "IN").upper() != "IN",
    )
