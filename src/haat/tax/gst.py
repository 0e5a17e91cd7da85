"""GST on an invoice: the per-line split into taxable value, CGST + SGST or IGST and cess,
rounded at invoice level. Pure: no database, no settings; amounts are integer minor units.

Why invoice-level rounding: rounding every line's tax to the paisa and adding them up
drifts from the tax on the invoice's total by up to half a paisa per line, so a 40-line
invoice can disagree with itself. Here each tax head (CGST, SGST, IGST, cess) is computed
exactly per line (fractions, never floats), its invoice total is the exact sum rounded
half-up once, and that total is handed out to the lines by largest remainder (as
`core.money.Money.allocate` splits amounts): every line is within one paisa of its exact
share and the lines always add up to the invoice.

Which tax (IGST Act §§7-8; place of supply for unregistered buyers is the delivery address,
§10(1)(ca)): the seller's state equal to the place of supply is intra-state, CGST and SGST
at half the rate each; any other state is inter-state, IGST at the full rate. Without a
place of supply (a cart before an address) the supply falls back to the seller's location.
A non-INR order (or one delivered outside India) is an export and carries no GST; a
seller without a GSTIN charges none.

Inclusive prices (the Indian default): the shopper pays the price shown; the taxable value
is what is left after the line's taxes are taken out of it (price x 100 / (100 + rate +
cess)), so taxable + taxes = the line's amount exactly. Exclusive prices: the price is the
taxable value and the taxes are added on top.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction

# The GST slabs a rate may take (percent). One place to change when the slabs change.
GST_SLABS: tuple[int, ...] = (0, 5, 12, 18, 28)
# Compensation cess is a percent of the taxable value with at most two decimals; the
# highest rate ever notified was 290 % (cigarettes).
MAX_CESS = Decimal(300)
GST_CURRENCY = "INR"


class Treatment(StrEnum):
    """How GST applies to an invoice, and the sentence that says so."""

    INTRA_STATE = "intra_state"
    INTER_STATE = "inter_state"
    EXPORT = "export"
    NOT_REGISTERED = "not_registered"

    @property
    def sentence(self) -> str:
        return {
            Treatment.INTRA_STATE: "CGST and SGST (delivery within the store's state).",
            Treatment.INTER_STATE: "IGST (delivery to another state).",
            Treatment.EXPORT: "Export: no GST (an order in another currency or delivered "
            "outside India).",
            Treatment.NOT_REGISTERED: "No GST: the store has no GSTIN.",
        }[self]


@dataclass(frozen=True)
class LineIn:
    """One invoice line: `unit_price` (minor units, as the price is shown: with tax when
    prices include tax), `quantity`, `discount` off the line's whole amount (minor units),
    the GST `rate` (a slab, percent) and `cess` (percent)."""

    unit_price: int
    quantity: int
    rate: int
    cess: Decimal = Decimal(0)
    discount: int = 0

    @property
    def amount(self) -> int:
        """The line's amount after its discount, as priced (with tax when inclusive)."""
        return self.unit_price * self.quantity - self.discount


@dataclass(frozen=True)
class TaxLine:
    """A line's tax: `taxable` value, the rates, and each head's amount (minor units);
    `total` is what the customer pays for the line (taxable + tax)."""

    taxable: int
    rate: int
    cess_rate: Decimal
    cgst: int
    sgst: int
    igst: int
    cess: int

    @property
    def tax(self) -> int:
        return self.cgst + self.sgst + self.igst + self.cess

    @property
    def total(self) -> int:
        return self.taxable + self.tax


@dataclass(frozen=True)
class Invoice:
    """The tax of a whole invoice: its lines and their totals, which always agree."""

    treatment: Treatment
    currency: str
    prices_include_tax: bool
    seller_state: str
    place_of_supply: str
    lines: tuple[TaxLine, ...]

    @property
    def taxable(self) -> int:
        return sum(line.taxable for line in self.lines)

    @property
    def cgst(self) -> int:
        return sum(line.cgst for line in self.lines)

    @property
    def sgst(self) -> int:
        return sum(line.sgst for line in self.lines)

    @property
    def igst(self) -> int:
        return sum(line.igst for line in self.lines)

    @property
    def cess(self) -> int:
        return sum(line.cess for line in self.lines)

    @property
    def tax(self) -> int:
        return self.cgst + self.sgst + self.igst + self.cess

    @property
    def total(self) -> int:
        return self.taxable + self.tax

    @property
    def is_export(self) -> bool:
        return self.treatment is Treatment.EXPORT

    def by_rate(self) -> list[RateSummary]:
        """One row per (rate, cess) for the invoice's rate table, lowest rate first."""
        rows: dict[tuple[int, Decimal], list[TaxLine]] = {}
        for line in self.lines:
            rows.setdefault((line.rate, line.cess_rate), []).append(line)
        return [
            RateSummary(
                rate=rate,
                cess_rate=cess,
                taxable=sum(x.taxable for x in group),
                cgst=sum(x.cgst for x in group),
                sgst=sum(x.sgst for x in group),
                igst=sum(x.igst for x in group),
                cess=sum(x.cess for x in group),
            )
            for (rate, cess), group in sorted(rows.items())
        ]


@dataclass(frozen=True)
class RateSummary:
    rate: int
    cess_rate: Decimal
    taxable: int
    cgst: int
    sgst: int
    igst: int
    cess: int


def rate_problem(rate: object) -> str | None:
    """Why `rate` is not a GST slab; None when it is."""
    if isinstance(rate, bool) or not isinstance(rate, int) or rate not in GST_SLABS:
        slabs = ", ".join(f"{s} %" for s in GST_SLABS)
        return f"A GST rate is one of {slabs}; got {rate!r}."
    return None


def cess_problem(cess: object) -> str | None:
    """Why `cess` is not a cess percent (0 to 300, at most two decimals); None when it is."""
    if isinstance(cess, bool) or not isinstance(cess, int | Decimal):
        return f"Cess is a percent like 12 or 1.5; got {cess!r}."
    value = Decimal(cess)
    if not value.is_finite() or value < 0 or value > MAX_CESS:
        return f"Cess is a percent from 0 to {MAX_CESS}; got {cess}."
    if value != value.quantize(Decimal("0.01")):
        return f"Cess has at most two decimals; got {cess}."
    return None


def allocate_discount(amounts: Sequence[int], discount: int) -> list[int]:
    """Split an order-level `discount` over lines in proportion to their `amounts`, by
    largest remainder, so the parts sum to the discount and none exceeds its line."""
    total = sum(amounts)
    if discount < 0 or discount > total:
        raise ValueError("the discount must be between 0 and the lines' total")
    if discount == 0:
        return [0] * len(amounts)
    return _largest_remainder([Fraction(a * discount, total) for a in amounts], discount)


def compute(
    lines: Sequence[LineIn],
    *,
    seller_state: str,
    place_of_supply: str | None,
    currency: str,
    prices_include_tax: bool,
    registered: bool = True,
    exported: bool = False,
) -> Invoice:
    """The GST of an invoice of `lines` sold from `seller_state` to `place_of_supply`
    (both state names; None or "" for the place of supply means the seller's state).
    `exported`: delivered outside India, a zero-rated export whatever the currency."""
    for line in lines:
        _check(line)
    place = place_of_supply or seller_state
    if exported or currency.upper() != GST_CURRENCY:
        treatment = Treatment.EXPORT
    elif not registered:
        treatment = Treatment.NOT_REGISTERED
    elif place == seller_state:
        treatment = Treatment.INTRA_STATE
    else:
        treatment = Treatment.INTER_STATE
    base = _invoice(treatment, currency, prices_include_tax, seller_state, place)
    if treatment in (Treatment.EXPORT, Treatment.NOT_REGISTERED):
        untaxed = tuple(TaxLine(line.amount, 0, Decimal(0), 0, 0, 0, 0) for line in lines)
        return _with_lines(base, untaxed)

    # Exact amounts per line and head: taxable value, then each head at its rate of it.
    taxable_exact = [
        Fraction(line.amount * 100, 100 + line.rate + Fraction(line.cess))
        if prices_include_tax
        else Fraction(line.amount)
        for line in lines
    ]
    intra = treatment is Treatment.INTRA_STATE
    half = [
        taxable * line.rate / 200 if intra else Fraction(0)
        for line, taxable in zip(lines, taxable_exact, strict=True)
    ]
    igst = [
        Fraction(0) if intra else taxable * line.rate / 100
        for line, taxable in zip(lines, taxable_exact, strict=True)
    ]
    cess = [
        taxable * Fraction(line.cess) / 100
        for line, taxable in zip(lines, taxable_exact, strict=True)
    ]
    cgst_lines = _round_invoice(half)
    sgst_lines = list(cgst_lines)  # the same exact shares: the same rounding
    igst_lines = _round_invoice(igst)
    cess_lines = _round_invoice(cess)

    taxed = []
    for i, line in enumerate(lines):
        tax = cgst_lines[i] + sgst_lines[i] + igst_lines[i] + cess_lines[i]
        # Inclusive: the shopper pays the line's amount; the taxable value is what is left.
        taxable = line.amount - tax if prices_include_tax else line.amount
        taxed.append(
            TaxLine(
                taxable=taxable,
                rate=line.rate,
                cess_rate=Decimal(line.cess),
                cgst=cgst_lines[i],
                sgst=sgst_lines[i],
                igst=igst_lines[i],
                cess=cess_lines[i],
            )
        )
    return _with_lines(base, tuple(taxed))


def _check(line: LineIn) -> None:
    problem = rate_problem(line.rate) or cess_problem(line.cess)
    if problem:
        raise ValueError(problem)
    if line.quantity < 1 or line.unit_price < 0:
        raise ValueError("a line needs a quantity of at least 1 and a price of at least 0")
    if line.discount < 0 or line.discount > line.unit_price * line.quantity:
        raise ValueError("a line's discount must be between 0 and its amount")


def _invoice(
    treatment: Treatment, currency: str, inclusive: bool, seller: str, place: str
) -> Invoice:
    return Invoice(treatment, currency.upper(), inclusive, seller, place, ())


def _with_lines(invoice: Invoice, lines: tuple[TaxLine, ...]) -> Invoice:
    return Invoice(
        invoice.treatment,
        invoice.currency,
        invoice.prices_include_tax,
        invoice.seller_state,
        invoice.place_of_supply,
        lines,
    )


def _round_half_up(value: Fraction) -> int:
    # Amounts here are never negative; floor(x + 1/2) rounds halves up.
    return int((value + Fraction(1, 2)) // 1)


def _round_invoice(exact: Sequence[Fraction]) -> list[int]:
    """Round the sum of `exact` once and hand it out to the lines by largest remainder."""
    return _largest_remainder(exact, _round_half_up(sum(exact, Fraction(0))))


def _largest_remainder(exact: Sequence[Fraction], total: int) -> list[int]:
    """Integers within one of each exact share that sum to `total` (the floor of each,
    plus one for the largest fractional parts; ties to the earlier line)."""
    parts = [int(x // 1) for x in exact]
    remainder = total - sum(parts)
    order = sorted(range(len(parts)), key=lambda i: (-(exact[i] - parts[i]), i))
    for i in order[:remainder]:
        parts[i] += 1
    return parts
