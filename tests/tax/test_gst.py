"""The GST computation (tax/gst.py): pure, so no database. Worked examples with amounts
checked by hand, then sum invariants over thousands of random invoices."""

from __future__ import annotations

import random
from decimal import Decimal
from fractions import Fraction

import pytest

from haat.tax.gst import (
    GST_SLABS,
    LineIn,
    Treatment,
    allocate_discount,
    cess_problem,
    compute,
    rate_problem,
)

MH, KA = "Maharashtra", "Karnataka"


def _inr(lines, *, to=MH, inclusive=True, currency="INR", registered=True):
    return compute(
        lines,
        seller_state=MH,
        place_of_supply=to,
        currency=currency,
        prices_include_tax=inclusive,
        registered=registered,
    )


def test_intra_state_inclusive_splits_cgst_and_sgst():
    # ₹1,050.00 at 5 % inclusive: taxable ₹1,000.00, CGST ₹25.00 + SGST ₹25.00.
    inv = _inr([LineIn(unit_price=105000, quantity=1, rate=5)])
    assert inv.treatment is Treatment.INTRA_STATE
    (line,) = inv.lines
    assert (line.taxable, line.cgst, line.sgst, line.igst, line.cess) == (100000, 2500, 2500, 0, 0)
    assert inv.total == 105000 and inv.tax == 5000


def test_inter_state_inclusive_charges_igst():
    inv = _inr([LineIn(unit_price=118000, quantity=2, rate=18)], to=KA)
    assert inv.treatment is Treatment.INTER_STATE
    (line,) = inv.lines
    assert (line.taxable, line.cgst, line.sgst, line.igst) == (200000, 0, 0, 36000)
    assert inv.total == 236000


def test_exclusive_adds_tax_on_top():
    inv = _inr([LineIn(unit_price=100000, quantity=3, rate=12)], inclusive=False, to=KA)
    (line,) = inv.lines
    assert (line.taxable, line.igst, line.total) == (300000, 36000, 336000)
    intra = _inr([LineIn(unit_price=99999, quantity=1, rate=5)], inclusive=False)
    # 5 % of ₹999.99 is ₹49.99950: CGST and SGST ₹24.99975 each, rounded to ₹25.00.
    assert (intra.cgst, intra.sgst, intra.total) == (2500, 2500, 104999)


def test_cess_is_a_percent_of_the_taxable_value():
    # 28 % + 12 % cess, exclusive, ₹10,000.00: IGST ₹2,800.00, cess ₹1,200.00.
    inv = _inr([LineIn(unit_price=1000000, quantity=1, rate=28, cess=Decimal(12))], to=KA,
               inclusive=False)  # fmt: skip
    (line,) = inv.lines
    assert (line.igst, line.cess, line.total) == (280000, 120000, 1400000)
    # Inclusive: ₹14,000.00 holds the same taxable value and taxes.
    inc = _inr([LineIn(unit_price=1400000, quantity=1, rate=28, cess=Decimal(12))], to=KA)
    assert (inc.taxable, inc.igst, inc.cess, inc.total) == (1000000, 280000, 120000, 1400000)


def test_zero_rate_line_has_no_tax():
    inv = _inr([LineIn(unit_price=4500, quantity=2, rate=0)])
    assert (inv.taxable, inv.tax, inv.total) == (9000, 0, 9000)


def test_discount_reduces_the_taxable_value():
    # 2 x ₹1,050.00 less ₹210.00 = ₹1,890.00 inclusive at 5 %: taxable ₹1,800.00.
    inv = _inr([LineIn(unit_price=105000, quantity=2, rate=5, discount=21000)])
    (line,) = inv.lines
    assert (line.taxable, line.cgst, line.sgst, line.total) == (180000, 4500, 4500, 189000)


def test_order_discount_is_allocated_in_proportion_and_sums_exactly():
    parts = allocate_discount([100, 200, 300], 100)
    assert parts == [17, 33, 50] and sum(parts) == 100
    assert allocate_discount([1, 1, 1], 2) == [1, 1, 0]
    assert allocate_discount([500, 0], 0) == [0, 0]
    with pytest.raises(ValueError):
        allocate_discount([100], 101)


def test_invoice_level_rounding_differs_from_rounding_each_line():
    # Three ₹1.00 lines at 18 % inclusive: each line's IGST is 15.254… paise. Rounding
    # each line gives 15 x 3 = 45; the invoice's exact 45.76 rounds to 46, and the lines
    # carry 16 + 15 + 15 so they add up to it.
    lines = [LineIn(unit_price=100, quantity=1, rate=18)] * 3
    inv = _inr(lines, to=KA)
    assert inv.igst == 46
    assert sorted(line.igst for line in inv.lines) == [15, 15, 16]
    assert all(line.total == 100 for line in inv.lines)
    assert inv.taxable + inv.igst == 300


def test_intra_state_halves_are_equal_on_every_line():
    lines = [LineIn(unit_price=p, quantity=1, rate=r) for p, r in [(333, 5), (777, 12), (1, 18)]]
    inv = _inr(lines)
    assert [x.cgst for x in inv.lines] == [x.sgst for x in inv.lines]


def test_export_carries_no_gst_and_says_so():
    inv = _inr([LineIn(unit_price=4900, quantity=2, rate=18)], currency="USD", to=KA)
    assert inv.treatment is Treatment.EXPORT and inv.is_export
    assert (inv.taxable, inv.tax, inv.total) == (9800, 0, 9800)
    assert "Export" in inv.treatment.sentence
    # Exclusive pricing changes nothing for an export: no tax is added.
    assert _inr([LineIn(4900, 1, 18)], currency="usd", inclusive=False).total == 4900


def test_a_store_without_gstin_charges_none():
    inv = _inr([LineIn(unit_price=118000, quantity=1, rate=18)], registered=False)
    assert inv.treatment is Treatment.NOT_REGISTERED and inv.tax == 0 and inv.total == 118000


def test_without_a_place_of_supply_the_sellers_state_applies():
    for place in (None, ""):
        inv = _inr([LineIn(unit_price=11800, quantity=1, rate=18)], to=place)
        assert inv.treatment is Treatment.INTRA_STATE and inv.place_of_supply == MH


def test_rate_table_groups_lines_by_rate():
    inv = _inr([LineIn(105000, 1, 5), LineIn(52500, 2, 5), LineIn(118000, 1, 18)], to=KA)
    rows = inv.by_rate()
    assert [(r.rate, r.taxable, r.igst) for r in rows] == [(5, 200000, 10000), (18, 100000, 18000)]


@pytest.mark.parametrize(
    "line",
    [
        LineIn(100, 1, 7),
        LineIn(100, 1, True),
        LineIn(100, 0, 5),
        LineIn(-1, 1, 5),
        LineIn(100, 1, 5, discount=101),
        LineIn(100, 1, 5, cess=Decimal("-1")),
        LineIn(100, 1, 5, cess=Decimal("1.234")),
        LineIn(100, 1, 5, cess=Decimal(301)),
    ],
)
def test_bad_lines_are_refused(line):
    with pytest.raises(ValueError):
        _inr([line])


def test_problems_name_the_slabs():
    assert rate_problem(18) is None and cess_problem(Decimal("1.5")) is None
    assert "0 %, 5 %, 12 %, 18 %, 28 %" in rate_problem(15)
    assert "two decimals" in cess_problem(Decimal("0.125"))
    assert cess_problem(1.5) is not None  # a float is never a rate


def _exact(line: LineIn, inclusive: bool) -> tuple[Fraction, Fraction, Fraction]:
    """The line's exact taxable value, GST and cess."""
    total_rate = line.rate + Fraction(line.cess)
    taxable = (
        Fraction(line.amount * 100) / (100 + total_rate) if inclusive else Fraction(line.amount)
    )
    return taxable, taxable * line.rate / 100, taxable * Fraction(line.cess) / 100


def _half_up(x: Fraction) -> int:
    return int((x + Fraction(1, 2)) // 1)


@pytest.mark.parametrize("seed", range(6))
def test_sum_invariants_over_random_invoices(seed):
    rng = random.Random(seed)
    cesses = [Decimal(0), Decimal(0), Decimal(1), Decimal("12.5"), Decimal(15)]
    for _ in range(400):
        lines = []
        for _ in range(rng.randint(1, 12)):
            price, qty = rng.randint(100, 2_000_000), rng.randint(1, 7)
            discount = rng.choice([0, 0, rng.randint(0, price * qty)])
            rate, cess = rng.choice(GST_SLABS), rng.choice(cesses)
            lines.append(LineIn(price, qty, rate, cess, discount))
        inclusive, place = rng.random() < 0.6, rng.choice([MH, KA, None])
        inv = _inr(lines, inclusive=inclusive, to=place)
        exact = [_exact(line, inclusive) for line in lines]
        intra = inv.treatment is Treatment.INTRA_STATE
        assert intra == (place in (MH, None))
        # Invoice-level rounding: each head's total is its exact sum rounded once.
        gst_total = sum((e[1] for e in exact), Fraction(0))
        if intra:
            assert inv.cgst == inv.sgst == _half_up(gst_total / 2) and inv.igst == 0
        else:
            assert inv.igst == _half_up(gst_total) and inv.cgst == inv.sgst == 0
        assert inv.cess == _half_up(sum((e[2] for e in exact), Fraction(0)))
        for line, taxed, (taxable, gst, cess) in zip(lines, inv.lines, exact, strict=True):
            # Every line within a paisa of its exact share of each head.
            half = gst / 2 if intra else 0
            assert abs(taxed.cgst - half) < 1 and abs(taxed.sgst - half) < 1
            assert abs(taxed.igst - (0 if intra else gst)) < 1 and abs(taxed.cess - cess) < 1
            assert taxed.cgst == taxed.sgst
            assert taxed.taxable >= 0
            if inclusive:
                assert taxed.total == line.amount  # the shopper pays the price shown
                assert abs(taxed.taxable - taxable) < 3
            else:
                assert taxed.taxable == line.amount
        # The lines add up to the invoice, to the paisa.
        assert inv.total == sum(t.total for t in inv.lines) == inv.taxable + inv.tax
        if inclusive:
            assert inv.total == sum(line.amount for line in lines)
        assert sum(r.taxable for r in inv.by_rate()) == inv.taxable
        assert sum(r.igst + r.cgst + r.sgst + r.cess for r in inv.by_rate()) == inv.tax


@pytest.mark.parametrize("seed", range(3))
def test_discount_allocation_invariants(seed):
    rng = random.Random(seed)
    for _ in range(500):
        amounts = [rng.randint(0, 100_000) for _ in range(rng.randint(1, 10))]
        if not sum(amounts):
            continue
        discount = rng.randint(0, sum(amounts))
        parts = allocate_discount(amounts, discount)
        assert sum(parts) == discount
        assert all(0 <= p <= a for p, a in zip(parts, amounts, strict=True))
        exact = [Fraction(a * discount, sum(amounts)) for a in amounts]
        assert all(abs(p - e) < 1 for p, e in zip(parts, exact, strict=True))
