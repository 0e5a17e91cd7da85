"""The GST summary in replies (a cart, its payment options, an order)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from haat.core.schemas import MoneyOut, Out


class TaxOut(Out):
    """The GST in the amounts shown. With `prices_include_tax` the total already contains
    `amount`; otherwise `added` (the same amount) is added to the prices."""

    prices_include_tax: bool
    treatment: Literal["intra_state", "inter_state", "export", "not_registered", ""] = Field(
        description="intra_state: CGST + SGST (delivery in the store's state); inter_state: "
        "IGST; export: no GST (another currency or outside India); not_registered: the "
        "store has no GSTIN"
    )
    note: str = Field(description="the treatment in a sentence, for display")
    place_of_supply: str = Field(
        description="the delivery state that decided it (the store's own before an address)"
    )
    taxable: MoneyOut = Field(description="the value GST is charged on")
    cgst: MoneyOut
    sgst: MoneyOut
    igst: MoneyOut
    cess: MoneyOut
    amount: MoneyOut = Field(description="GST + cess in all")
    added: MoneyOut = Field(description="the part added to the prices (0 when included)")
