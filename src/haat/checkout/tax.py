"""GST on a cart or a checkout: the lines as read (each with its GST rate, read in the
same statement as its price: `checkout.sql`) handed to `tax.quote.gst_for` with the
delivery address's state. No statement of its own: the settings stamp read with the
lines decides whether the store's and tax's settings are still current."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from haat.checkout.sql import PricedLine
from haat.core.money import money_json
from haat.tax.gst import Invoice
from haat.tax.quote import TaxableLine, gst_for


def line_tax(
    currency: str,
    lines: Sequence[PricedLine],
    settings_stamp: int | None,
    *,
    state: str | None = None,
    country: str = "IN",
) -> Invoice:
    """The GST of `lines` at the prices they are bought at (`PricedLine.price`), delivered
    to `state` (None before an address is known: the store's own state applies)."""
    rates = {line.variant.id: line.tax_rate for line in lines if line.tax_rate is not None}
    return gst_for(
        [TaxableLine(line.variant.id, line.price, line.quantity) for line in lines],
        currency=currency,
        place_of_supply=state or None,
        rates=rates if len(rates) == len({line.variant.id for line in lines}) else None,
        stamp=settings_stamp,
        delivery_country=country or "IN",
    )


def tax_added(invoice: Invoice) -> int:
    """What GST adds to the price of the lines: all of it when prices exclude tax."""
    return 0 if invoice.prices_include_tax else invoice.tax


def tax_json(invoice: Invoice) -> dict[str, Any]:
    """The `TaxOut` of a cart, its payment options or an order."""
    currency = invoice.currency
    return {
        "prices_include_tax": invoice.prices_include_tax,
        "treatment": str(invoice.treatment),
        "note": invoice.treatment.sentence,
        "place_of_supply": invoice.place_of_supply,
        "taxable": money_json(invoice.taxable, currency),
        "cgst": money_json(invoice.cgst, currency),
        "sgst": money_json(invoice.sgst, currency),
        "igst": money_json(invoice.igst, currency),
        "cess": money_json(invoice.cess, currency),
        "amount": money_json(invoice.tax, currency),
        "added": money_json(tax_added(invoice), currency),
    }
