"""The catalog pages in a real Chromium: sign in, create a product with a variant and
INR + USD prices through the editor, find it in the list, and keep screenshots.

Uses the shared fixtures of `tests/browser/conftest.py` (`signed_in_page`, `live_url`).
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from haat.catalog import images, pricing, services, taxonomy
from haat.catalog.models import Product, VariantPrice
from haat.core.money import Money

SHOTS = Path("/tmp/haat-shots")

pytestmark = pytest.mark.browser


def _assert_static_served(page) -> None:
    """The pages are tested as they are meant to look: their CSS must be served."""
    assert page.request.get("/static/haat/css/dashboard.css").status == 200


def _shoot(page, name: str) -> None:
    """A full-page screenshot taken with a viewport as tall as the page, so the sticky
    sidebar and top bar stay where a person sees them."""
    height = page.evaluate("document.documentElement.scrollHeight")
    page.set_viewport_size({"width": 1440, "height": max(900, height)})
    page.screenshot(path=str(SHOTS / name))
    page.set_viewport_size({"width": 1440, "height": 900})


def _photo(colour: tuple[int, int, int]) -> SimpleUploadedFile:
    buf = io.BytesIO()
    img = Image.new("RGB", (600, 600), colour)
    for x in range(0, 600, 40):  # a woven-looking stripe so thumbnails read as photos
        img.paste((255, 255, 255), (x, 0, x + 6, 600))
    img.save(buf, "JPEG")
    return SimpleUploadedFile("photo.jpg", buf.getvalue(), content_type="image/jpeg")


def _seed_catalog() -> None:
    """A few existing products so the list looks like a working store."""
    apparel = taxonomy.create_category(name="Apparel")
    home = taxonomy.create_category(name="Home")
    seeds = [
        (
            "Indigo Block-print Kurta",
            "Jaipur Looms",
            "active",
            apparel,
            "1299.00",
            "19.00",
            (38, 60, 120),
        ),
        ("Brass Diya Set", "Moradabad Metal", "active", home, "899.00", "14.00", (190, 140, 40)),
        ("Kalamkari Cushion Cover", "Srikalahasti", "draft", home, "649.00", None, (150, 60, 40)),
    ]
    for i, (title, brand, status, cat, inr, usd, colour) in enumerate(seeds):
        product = services.create_product(
            title=title, brand=brand, status=status, category_ids=[cat.pk]
        )
        prices = [pricing.PriceInput(Money.from_decimal(inr, "INR"))]
        if usd:
            prices.append(pricing.PriceInput(Money.from_decimal(usd, "USD")))
        services.create_variant(product=product, sku=f"SEED-{i}", prices=prices)
        images.add_product_image(product=product, upload=_photo(colour), alt_text=title)


def test_create_product_with_prices_and_find_it_in_the_list(signed_in_page, currencies):
    currencies("USD")
    _seed_catalog()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = signed_in_page("owner", full_name="Asha Owner")
    page.set_viewport_size({"width": 1440, "height": 900})
    _assert_static_served(page)

    # Create the product; the search preview follows the title as it is typed.
    page.goto("/dashboard/catalog/products/new/")
    page.fill("#id_title", "Handloom Cotton Saree")
    assert page.text_content("[data-serp-title]") == "Handloom Cotton Saree"
    assert page.text_content("[data-serp-slug]") == "handloom-cotton-saree"
    page.fill("#id_brand", "Chanderi Weavers")
    page.fill("#id_description", "Soft handloom cotton with a zari border, woven in Chanderi.")
    page.fill("#id_seo_title", "Handloom cotton saree with zari border")
    assert page.text_content("[data-serp-title]") == "Handloom cotton saree with zari border"
    assert "38 / 70" in page.inner_text("#product-form")
    page.select_option("#id_status", "active")
    page.click("text=Create product")
    page.wait_for_url(re.compile(r"/catalog/products/\d+/$"))
    product = Product.objects.get(slug="handloom-cotton-saree")

    # Options, then a variant, then its prices in two currencies.
    page.fill("input[name=name_0]", "Colour")
    page.fill("input[name=values_0]", "Indigo, Rust")
    page.click("text=Save options")
    page.wait_for_selector("text=Options saved.")
    page.fill("input[name=new-sku]", "SAREE-IND")
    page.select_option("select[name=new-opt_0]", "Indigo")
    page.fill("input[name=new-weight_grams]", "550")
    page.fill("input[name=new-hsn_code]", "5208")
    page.click("text=+ Add variant")
    page.wait_for_selector("text=Added variant SAREE-IND")
    page.fill("[aria-label='SAREE-IND price in INR']", "2499.00")
    page.fill("[aria-label='SAREE-IND compare-at price in INR']", "2999.00")
    page.fill("[aria-label='SAREE-IND price in USD']", "39.00")
    page.click("#save-bar button")  # the editor's one save
    page.wait_for_selector("text=Saved “Handloom Cotton Saree”.")
    saved = dict(
        VariantPrice.objects.filter(variant__product=product).values_list("currency_id", "amount")
    )
    assert saved == {"INR": 249900, "USD": 3900}
    assert "₹2,499.00" in page.inner_text("#activity")

    # An image with alt text; the editor shows its small rendition.
    page.set_input_files(
        "input[name=image]",
        files=[
            {"name": "saree.jpg", "mimeType": "image/jpeg", "buffer": _photo((30, 70, 110)).read()}
        ],
    )
    page.fill("#images input[name=alt_text] >> nth=-1", "Indigo saree, folded")
    page.click("text=Upload image")
    page.wait_for_selector("text=Image added.")
    assert page.get_attribute("#images img", "alt") == "Indigo saree, folded"
    assert page.get_attribute("#images img", "src").endswith(".webp")
    _shoot(page, "catalog-editor.png")

    # The list shows it; typing in the search box narrows the table through htmx.
    page.goto("/dashboard/catalog/products/")
    row = page.locator("#product-table tr", has_text="Handloom Cotton Saree")
    assert "₹2,499.00" in row.inner_text() and "Active" in row.inner_text()
    _shoot(page, "catalog-products.png")
    page.fill("#filter-q", "saree-ind")
    page.wait_for_url(re.compile(r"q=saree-ind"))
    page.wait_for_function("document.querySelectorAll('#product-table tbody tr').length === 1")
    assert "Handloom Cotton Saree" in page.inner_text("#product-table")
