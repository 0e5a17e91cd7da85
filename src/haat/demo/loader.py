"""Loading the demo store through Haat's own services, so it obeys every rule real data does.

Everything is written in one transaction: a failure halfway leaves the store empty, and a
second load is refused while the catalog has products. The catalog comes first, then the
store's operations (`store_setup`): stock, payment settings, the team and a few orders.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import TextIO

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils.text import slugify

from haat.accounts.api_keys import IssuedKey, create_api_key
from haat.accounts.models import ApiKey, User
from haat.accounts.services import create_staff
from haat.catalog.images import add_product_image
from haat.catalog.models import Category, Product, Variant
from haat.catalog.pricing import PriceInput
from haat.catalog.services import create_product, create_variant, set_product_options
from haat.catalog.taxonomy import create_category, create_collection, set_collection_products
from haat.core.context import Actor, acting_as
from haat.core.currencies import enable_currency
from haat.core.errors import Conflict
from haat.core.money import Money
from haat.demo import catalog_data as data
from haat.demo import shipping_setup, store_setup
from haat.demo.artwork import render_product_image
from haat.demo.error_codes import DemoError
from haat.tax.services import set_category_rate, set_product_rate


@dataclass(frozen=True)
class DemoResult:
    owner_email: str
    owner_password: str  # shown once; only its hash is stored
    publishable_key: str
    products: int
    variants: int
    images: int
    stocked_variants: int = 0
    units: int = 0
    staff: int = 0
    orders: int = 0
    skipped_orders: tuple[str, ...] = ()


def catalog_is_empty() -> bool:
    return not Product.objects.exists()


def load_demo(*, stdout: TextIO) -> DemoResult:
    """Create the Kesari Lane demo store and print how to sign in. Empty catalog only."""
    if not catalog_is_empty():
        raise Conflict(
            "The catalog already has products, so the demo store was not loaded. "
            "Demo data only goes into an empty store (use a new HAAT_DATA_DIR or database).",
            code=DemoError.DEMO_ALREADY_LOADED,
        )
    if User.objects.filter(email__iexact=data.OWNER_EMAIL).exists():
        raise Conflict(
            f"A staff member {data.OWNER_EMAIL} already exists; the demo was not loaded.",
            code=DemoError.DEMO_ALREADY_LOADED,
        )
    stdout.write(f"Loading the {data.BRAND} demo store…\n")
    stdout.flush()
    password = secrets.token_urlsafe(12)
    with (
        acting_as(Actor(label="demo loader")),
        transaction.atomic(),
    ):
        owner, key, counts = _load_catalog(password)
        warehouse, partner = store_setup.create_locations()
        stock = store_setup.stock_variants(warehouse, partner)
        store_setup.describe_store()
        store_setup.configure_payments()
        shipping_setup.configure_shipping()
        staff = store_setup.add_staff()
        skus = store_setup.order_skus()
        ids = dict(Variant.objects.filter(sku__in=skus).values_list("sku", "pk"))
        orders, skipped = store_setup.place_demo_orders(ids)
        store_setup.customer_history()
    result = DemoResult(
        owner_email=owner.email,
        owner_password=password,
        publishable_key=key.plaintext,
        products=len(data.ITEMS),
        variants=counts[0],
        images=counts[1],
        stocked_variants=stock.stocked_variants,
        units=stock.units,
        staff=staff + 1,
        orders=orders,
        skipped_orders=tuple(skipped),
    )
    _report(result, stdout)
    return result


def _load_catalog(password: str) -> tuple[User, IssuedKey, tuple[int, int]]:
    """Currencies, the owner, categories, collections, products with pictures and the
    storefront key. Returns (owner, issued key, (variants, images))."""
    for code in data.EXTRA_CURRENCIES:
        enable_currency(code=code)
    owner = create_staff(
        email=data.OWNER_EMAIL, full_name=data.OWNER_NAME, role="owner", password=password
    )
    categories = _create_categories()
    collections = {
        slug: create_collection(name=name, slug=slug, description=description)
        for name, slug, description in data.COLLECTIONS
    }
    members: dict[str, list[int]] = {slug: [] for slug in collections}
    variants = images = 0
    apparel = {slug for _, parent, leaves in data.CATEGORY_TREE if parent == "apparel"
               for _, slug in leaves}  # fmt: skip
    for number, item in enumerate(data.ITEMS, start=1):
        product, made = _create_product(number, item, categories[data.KINDS[item.kind].category])
        variants += made
        images += 1
        if (
            data.KINDS[item.kind].category in apparel
            and item.prices["INR"] > data.APPAREL_LOW_RATE_UP_TO
        ):
            set_product_rate(product_id=product.pk, rate=data.APPAREL_HIGH_RATE)
        for slug in item.collections:
            members[slug].append(product.pk)
    for slug, collection in collections.items():
        set_collection_products(collection=collection, product_ids=members[slug])
    slugs = dict(Category.objects.values_list("slug", "pk"))
    for slug, rate in data.TAX_RATES.items():
        set_category_rate(category_id=slugs[slug], rate=rate)
    key = create_api_key(name="Demo storefront", kind=ApiKey.Kind.PUBLISHABLE, created_by=owner)
    return owner, key, (variants, images)


def _create_categories() -> dict[str, int]:
    """The two-level tree; returns leaf slug → id (parents are implied by the tree)."""
    leaves: dict[str, int] = {}
    for position, (name, slug, children) in enumerate(data.CATEGORY_TREE):
        parent = create_category(name=name, slug=slug, position=position)
        for child_position, (child_name, child_slug) in enumerate(children):
            child = create_category(
                name=child_name, slug=child_slug, parent_id=parent.pk, position=child_position
            )
            leaves[child_slug] = child.pk
    return leaves


def _create_product(number: int, item: data.Item, category_id: int) -> tuple[Product, int]:
    kind = data.KINDS[item.kind]
    description = f"{item.note} {kind.blurb}".strip() if item.note else kind.blurb
    product = create_product(
        title=item.title,
        description=description,
        brand=data.BRAND,
        status=item.status,
        availability=item.availability,
        expected_days=item.expected_days,
        seo_title=f"{item.title} | {data.BRAND}"[:70],
        seo_description=description[:157] + ("…" if len(description) > 157 else ""),
        category_ids=[category_id],
    )
    set_product_options(product=product, options=[("Size", list(kind.sizes))])
    extras = data.size_surcharges(item)
    for position, size in enumerate(kind.sizes):
        extra = extras.get(size, {})
        create_variant(
            product=product,
            sku=f"KL-{kind.code}-{number:03d}-{slugify(size).upper()}",
            option_values={"Size": size},
            weight_grams=kind.weight_grams + (40 if size in {"XL", "A3"} else 0),
            hsn_code=kind.hsn_code,
            barcode=data.ean13(f"890765{number:03d}{position:03d}"),
            cost=Money.from_decimal(
                str(round((item.prices["INR"] + extra.get("INR", 0)) * kind.cost_ratio)), "INR"
            ),
            prices=_prices(item, extra),
            position=position,
        )
    picture = render_product_image(
        title=item.title, kind=kind.figure, palette=item.palette, brand=data.BRAND
    )
    add_product_image(
        product=product,
        upload=SimpleUploadedFile(f"{product.slug}.jpg", picture, content_type="image/jpeg"),
        alt_text=item.title,
    )
    return product, len(kind.sizes)


def _prices(item: data.Item, extra: data.Prices) -> list[PriceInput]:
    result = []
    for currency, amount in item.prices.items():
        compare_at = None
        if item.compare_at:
            compare_at = Money.from_decimal(
                str(item.compare_at[currency] + extra.get(currency, 0)), currency
            )
        result.append(
            PriceInput(
                amount=Money.from_decimal(str(amount + extra.get(currency, 0)), currency),
                compare_at=compare_at,
            )
        )
    return result


def _report(result: DemoResult, stdout: TextIO) -> None:
    stdout.write(
        f"Demo store ready: {result.products} products, {result.variants} variants, "
        f"{result.images} images, prices in INR, USD and EUR.\n"
        f"Stock: {result.units} units received at a warehouse and a partner shop, "
        f"{result.stocked_variants} of {result.variants} variants in stock; "
        f"{result.orders} cash-on-delivery orders; {result.staff} staff members.\n"
        "Payments: prepaid, COD, partial COD and reserve & pay, through the built-in "
        "test gateway until Razorpay or Stripe is configured.\n"
        + "".join(f"  (demo order skipped: {reason})\n" for reason in result.skipped_orders)
        + "\n"
        "Sign in to the dashboard as the owner (this password is shown only now):\n"
        f"  e-mail    {result.owner_email}\n"
        f"  password  {result.owner_password}\n"
        "Storefront API publishable key (send as the X-Publishable-Key header; "
        "`haat keys` or Settings → API keys show it again):\n"
        f"  {result.publishable_key}\n"
    )
    stdout.flush()
