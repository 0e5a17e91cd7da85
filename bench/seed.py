"""Seeding a large catalog fast for the storefront benchmark.

Rows go straight in with bulk_create (a benchmark seed, not a data path for shops), but the
derived ProductPriceRange rows are computed by Haat's own `refresh_price_ranges`, so the
storefront reads exactly what the pricing service would have written.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass

from django.db import transaction

BATCH = 2000
SIZES = ("S", "M", "L", "XL", "XXL", "3XL", "4XL", "5XL")
ADJECTIVES = (
    "Indigo", "Ivory", "Saffron", "Rose", "Ochre", "Teal", "Slate", "Marigold", "Madder",
    "Mint", "Walnut", "Charcoal", "Sky", "Gold", "Jade", "Plum",
)  # fmt: skip
CRAFTS = (
    "Block-Print", "Chikan", "Khadi", "Bandhani", "Ajrakh", "Ikat", "Kalamkari", "Linen",
    "Mulmul", "Chanderi", "Kantha", "Phulkari",
)  # fmt: skip
LEAVES = {
    "Apparel": ("Kurtas", "T-shirts", "Stoles", "Shirts"),
    "Souvenirs": ("Mugs", "Magnets", "Prints", "Coasters"),
}
NOUN = {
    "Kurtas": "Kurta", "T-shirts": "T-shirt", "Stoles": "Stole", "Shirts": "Shirt",
    "Mugs": "Mug", "Magnets": "Magnet", "Prints": "Print", "Coasters": "Coaster Set",
}  # fmt: skip
AVAILABILITY = ["in_stock"] * 14 + ["ships_2_3_days", "ships_4_7_days", "pre_order", "unavailable"]


@dataclass(frozen=True)
class Seeded:
    products: int
    active: int
    variants: int
    prices: int
    categories: list[str]
    slugs: list[str]  # active products only: the ones the storefront shows
    seconds: float


def seed_catalog(*, products: int, variants_per_product: int, seed: int = 42) -> Seeded:
    """`products` products with `variants_per_product` sizes each, priced in INR."""
    from haat.catalog.models import (
        Category,
        Product,
        ProductOption,
        Variant,
        VariantPrice,
    )
    from haat.catalog.pricing import refresh_price_ranges

    if variants_per_product > len(SIZES):
        raise SystemExit(f"--variants can be at most {len(SIZES)}")
    started = time.perf_counter()
    rng = random.Random(seed)
    sizes = list(SIZES[:variants_per_product])
    with transaction.atomic():
        leaves = _categories(Category)
        leaf_names = list(leaves)
        rows, leaf_of = [], []
        for n in range(1, products + 1):
            leaf = rng.choice(leaf_names)
            title = f"{rng.choice(ADJECTIVES)} {rng.choice(CRAFTS)} {NOUN[leaf]} {n}"
            availability = rng.choice(AVAILABILITY)
            rows.append(
                Product(
                    title=title,
                    slug=f"bench-{n}",
                    description=f"{title}: handmade, benchmark edition.",
                    brand="Kesari Lane",
                    status="active" if rng.random() < 0.95 else rng.choice(["draft", "archived"]),
                    availability=availability,
                    expected_days=rng.choice([3, 7, 21])
                    if availability in {"ships_2_3_days", "ships_4_7_days", "pre_order"}
                    else None,
                )
            )
            leaf_of.append(leaves[leaf])
        made = Product.objects.bulk_create(rows, batch_size=BATCH)
        Product.categories.through.objects.bulk_create(
            [
                Product.categories.through(product_id=p.pk, category_id=c)
                for p, c in zip(made, leaf_of, strict=True)
            ],
            batch_size=BATCH,
        )
        ProductOption.objects.bulk_create(
            [ProductOption(product_id=p.pk, name="Size", values=sizes) for p in made],
            batch_size=BATCH,
        )
        variants = []
        for p in made:
            for position, size in enumerate(sizes):
                variants.append(
                    Variant(
                        product_id=p.pk,
                        sku=f"B{p.pk}-{size}",
                        option_values={"Size": size},
                        weight_grams=rng.randint(80, 600),
                        hsn_code="6109",
                        position=position,
                    )
                )
        variants = Variant.objects.bulk_create(variants, batch_size=BATCH)
        prices = []
        base = 0
        for v in variants:
            if v.position == 0:
                base = rng.randrange(199, 4999, 100)  # round rupee prices ending in 99
            amount = (base + 100 * (v.position // 3)) * 100
            on_sale = base % 7 == 0
            prices.append(
                VariantPrice(
                    variant_id=v.pk,
                    currency_id="INR",
                    amount=amount,
                    compare_at_amount=amount + 50000 if on_sale else None,
                )
            )
        VariantPrice.objects.bulk_create(prices, batch_size=BATCH)
        refresh_price_ranges(product_ids=[p.pk for p in made])
    active = [p.slug for p in made if p.status == "active"]
    return Seeded(
        products=len(made),
        active=len(active),
        variants=len(variants),
        prices=len(prices),
        categories=[name.lower() for name in leaf_names],
        slugs=active,
        seconds=time.perf_counter() - started,
    )


def _categories(category_model: type) -> dict[str, int]:
    """Two parents with four leaves each; returns leaf name → id."""
    leaves = {}
    for position, (parent_name, children) in enumerate(LEAVES.items()):
        parent = category_model.objects.create(
            name=parent_name, slug=parent_name.lower(), position=position
        )
        for child_position, child in enumerate(children):
            leaf = category_model.objects.create(
                name=child, slug=child.lower(), parent=parent, position=child_position
            )
            leaves[child] = leaf.pk
    return leaves
