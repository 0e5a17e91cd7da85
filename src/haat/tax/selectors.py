"""Reads of the tax context: the store's tax settings (a per-process copy the settings stamp
renews), the rates merchants assigned with the names they know them by, and the rate that
applies to many variants at once (`tax.sql.effective_rates`)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q

from haat.catalog.models import Category, Product
from haat.core import settings_stamp
from haat.tax.gst import GST_SLABS
from haat.tax.models import GstRate, TaxSettings
from haat.tax.sql import EffectiveRate, effective_rates

__all__ = ["EffectiveRate", "effective_rates"]


def rate_label(rate: int, cess: Decimal | int = 0) -> str:
    """How a merchant says a rate: "18 % GST", "28 % GST + 12 % cess", "No GST (0 %)"."""
    cess = Decimal(cess)
    text = "No GST (0 %)" if rate == 0 else f"{rate} % GST"
    if cess:
        text += f" + {cess.normalize():f} % cess"
    return text


SLAB_CHOICES: list[tuple[int, str]] = [(slab, rate_label(slab)) for slab in GST_SLABS]


@dataclass(frozen=True)
class TaxConfig:
    prices_include_tax: bool
    default_rate: int
    default_cess: Decimal

    @property
    def default_label(self) -> str:
        return rate_label(self.default_rate, self.default_cess)


def _load() -> TaxConfig:
    row = TaxSettings.objects.filter(pk=1).first() or TaxSettings()
    return TaxConfig(row.prices_include_tax, row.default_rate, Decimal(row.default_cess))


_config = settings_stamp.Stamped(_load)


def tax_config(*, stamp: int | None = settings_stamp.NOT_READ) -> TaxConfig:
    """The store's tax settings (one statement, the stamp, while they are unchanged; none
    when the caller read the stamp already and passes it)."""
    return _config.get(stamp=stamp)


@dataclass(frozen=True)
class AssignedRate:
    """A rate a merchant set, on a category or a product, named as they know it."""

    id: int
    kind: str  # "category" | "product"
    target_id: int
    name: str
    rate: int
    cess: Decimal

    @property
    def label(self) -> str:
        return rate_label(self.rate, self.cess)


def category_paths() -> dict[int, str]:
    """Every category's name with its parents' ("Apparel / Kurtas"). One query."""
    rows = {pk: (name, parent) for pk, name, parent in Category.objects.values_list(
        "id", "name", "parent_id"
    )}  # fmt: skip
    paths: dict[int, str] = {}
    for pk in rows:
        names, node, seen = [], pk, set()
        while node is not None and node in rows and node not in seen:
            seen.add(node)
            names.append(rows[node][0])
            node = rows[node][1]
        paths[pk] = " / ".join(reversed(names))
    return paths


def category_rates() -> list[AssignedRate]:
    """Categories with a rate, in tree order by name path. Two queries."""
    paths = category_paths()
    rows = GstRate.objects.filter(category__isnull=False).values_list(
        "id", "category_id", "rate", "cess"
    )
    found = [
        AssignedRate(pk, "category", cat, paths.get(cat, ""), rate, Decimal(cess))
        for pk, cat, rate, cess in rows
    ]
    return sorted(found, key=lambda r: r.name.lower())


def product_rates(*, limit: int = 500) -> list[AssignedRate]:
    """Products with their own rate, by title. One query."""
    rows = (
        GstRate.objects.filter(product__isnull=False)
        .order_by("product__title", "id")
        .values_list("id", "product_id", "product__title", "rate", "cess")[:limit]
    )
    return [
        AssignedRate(pk, "product", prod, title, rate, Decimal(cess))
        for pk, prod, title, rate, cess in rows
    ]


def category_choices() -> list[tuple[int, str]]:
    """Every category for a picker: (id, "Apparel / Kurtas"), by path."""
    return sorted(category_paths().items(), key=lambda item: item[1].lower())


@dataclass(frozen=True)
class ProductMatch:
    id: int
    title: str
    brand: str
    own_rate: AssignedRate | None


def search_products(*, q: str, limit: int = 20) -> list[ProductMatch]:
    """Products whose title, brand or a variant's SKU contains `q`, with their own rate if
    they have one. Two queries."""
    q = q.strip()[:100]
    if not q:
        return []
    products = list(
        Product.objects.exclude(status=Product.Status.ARCHIVED)
        .filter(Q(title__icontains=q) | Q(brand__icontains=q) | Q(variants__sku__icontains=q))
        .distinct()
        .order_by("title", "id")[:limit]
    )
    own = {r.product_id: r for r in GstRate.objects.filter(product_id__in=[p.id for p in products])}
    matches = []
    for p in products:
        row = own.get(p.id)
        mine = (
            AssignedRate(row.id, "product", p.id, p.title, row.rate, Decimal(row.cess))
            if row
            else None
        )
        matches.append(ProductMatch(p.id, p.title, p.brand, mine))
    return matches
