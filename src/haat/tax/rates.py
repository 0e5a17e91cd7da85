"""Which GST rate a product's categories give it: the store's rate book, kept per process.

The rule: a product's own rate; else the rate of its nearest category that has one (the
categories it is in first, then their parents, then theirs), the higher rate when two are
equally near, so a product in two categories is never under-taxed; else the store's
default. A product's own rate and its categories are read in the statement that prices
it (`tax.sql.rate_fragment`); what the category tree makes of them is here.

Walking the tree in SQL (a recursive CTE) on every cart read cost 10 ms with 500
categories on SQLite, against ~50 µs for the whole read, so the book is worked out once
per change instead: categories, category rates and the default are settings-stamped
(tax/apps.py tracks `Category` too), so a change anywhere reaches every process on its
next read, at the cost of the stamp the checkout statement reads anyway.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from haat.catalog.models import Category
from haat.core import settings_stamp
from haat.tax.models import GstRate, TaxSettings


@dataclass(frozen=True)
class EffectiveRate:
    """The GST rate (slab, percent) and cess (percent) of a variant, and where it comes
    from: the product's own rate, one of its categories' (`category_id`), or the store's
    default."""

    rate: int
    cess: Decimal
    source: Literal["product", "category", "default"]
    category_id: int | None = None


@dataclass(frozen=True)
class RateBook:
    default: EffectiveRate
    # category -> (steps up to the category whose rate it takes, that rate)
    by_category: dict[int, tuple[int, EffectiveRate]]

    def for_product(self, own: EffectiveRate | None, category_ids: Iterable[int]) -> EffectiveRate:
        if own is not None:
            return own
        found = [self.by_category[c] for c in category_ids if c in self.by_category]
        if not found:
            return self.default
        return min(found, key=lambda f: (f[0], -f[1].rate, -f[1].cess, f[1].category_id))[1]


def _load() -> RateBook:
    settings = TaxSettings.objects.filter(pk=1).first() or TaxSettings()
    default = EffectiveRate(settings.default_rate, Decimal(settings.default_cess), "default")
    parents = dict(Category.objects.values_list("id", "parent_id"))
    rated = {
        category: EffectiveRate(rate, Decimal(cess), "category", category)
        for category, rate, cess in GstRate.objects.filter(category__isnull=False).values_list(
            "category_id", "rate", "cess"
        )
    }
    book: dict[int, tuple[int, EffectiveRate]] = {}
    for category in parents:
        node, depth, seen = category, 0, set()
        while node is not None and node not in seen:  # the tree has no cycles; a guard
            if node in rated:
                book[category] = (depth, rated[node])
                break
            seen.add(node)
            node, depth = parents.get(node), depth + 1
    return RateBook(default, book)


_book = settings_stamp.Stamped(_load)


def rate_book(*, stamp: int | None = settings_stamp.NOT_READ) -> RateBook:
    """The store's rate book (one statement, the stamp, unless the caller passes it)."""
    return _book.get(stamp=stamp)
