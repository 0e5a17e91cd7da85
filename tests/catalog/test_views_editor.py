"""Dashboard product editor: main fields, SEO, options, variants, price matrix, images."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from haat.catalog.models import PriceHistory, Product, ProductImage, Variant, VariantPrice
from tests.catalog.domain_helpers import make_product, make_variant, price

pytestmark = pytest.mark.django_db

NEW = "/dashboard/catalog/products/new/"


def edit_url(product: Product, tail: str = "") -> str:
    return f"/dashboard/catalog/products/{product.pk}/{tail}"


def saved(**parts: str) -> dict:
    """What the editor's one save posts: the product's fields with these variant or
    price inputs (the kurta fixture's title, so only the parts under test change)."""
    return {**PRODUCT, "title": "Indigo Kurta", **parts}


def png(name: str = "photo.png", size: tuple[int, int] = (640, 480)) -> SimpleUploadedFile:
    buf = io.BytesIO()
    Image.new("RGB", size, (180, 69, 31)).save(buf, "PNG")
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/png")


PRODUCT = {
    "title": "Hand-block Kurta",
    "slug": "",
    "description": "Cotton, dyed with indigo.",
    "brand": "Jaipur Looms",
    "status": "draft",
    "availability": "in_stock",
    "expected_days": "",
    "seo_title": "",
    "seo_description": "",
}


@pytest.fixture
def kurta(currencies):
    currencies("USD")
    product = make_product("Indigo Kurta", sizes=("S", "M"))
    make_variant(product, "KUR-S", price("1299.00"), option_values={"Size": "S"})
    return product


def test_create_page_has_seo_counters_and_serp_preview(staff_client):
    html = staff_client("owner").get(NEW).content.decode()
    assert 'data-counter="70"' in html and 'data-counter="160"' in html
    assert 'class="serp-preview"' in html and "data-serp-title" in html


def test_create_product_then_lands_in_editor(staff_client):
    response = staff_client("owner").post(NEW, PRODUCT)
    product = Product.objects.get()
    assert response.status_code == 302 and response["Location"] == edit_url(product)
    assert (product.title, product.slug, product.brand) == (
        "Hand-block Kurta",
        "hand-block-kurta",
        "Jaipur Looms",
    )


def test_create_with_blank_title_shows_error_and_creates_nothing(staff_client):
    response = staff_client("owner").post(NEW, {**PRODUCT, "title": ""})
    assert response.status_code == 422
    assert "This field is required." in response.content.decode()
    assert not Product.objects.exists()


def test_duplicate_slug_is_shown_next_to_slug(staff_client):
    make_product("Existing", slug="kurta")
    response = staff_client("owner").post(NEW, {**PRODUCT, "slug": "kurta"})
    html = response.content.decode()
    assert response.status_code == 422
    assert "already" in html and 'class="field has-error"' in html
    assert Product.objects.count() == 1


def test_edit_saves_fields_categories_and_seo(staff_client, kurta):
    from haat.catalog import taxonomy

    cat = taxonomy.create_category(name="Apparel")
    data = {
        **PRODUCT,
        "title": "Indigo Kurta",
        "slug": "indigo-kurta",
        "status": "active",
        "seo_title": "Indigo kurta, hand-block printed",
        "categories": [cat.pk],
    }
    response = staff_client("owner").post(edit_url(kurta), data)
    assert response.status_code == 302
    kurta.refresh_from_db()
    assert kurta.status == "active" and kurta.seo_title == "Indigo kurta, hand-block printed"
    assert list(kurta.categories.values_list("pk", flat=True)) == [cat.pk]


def test_edit_with_too_many_expected_days_changes_nothing(staff_client, kurta):
    data = {**PRODUCT, "title": "Renamed", "expected_days": "400", "availability": "pre_order"}
    response = staff_client("owner").post(edit_url(kurta), data)
    assert response.status_code == 422
    assert "Ensure this value is less than or equal to 365." in response.content.decode()
    kurta.refresh_from_db()
    assert kurta.title == "Indigo Kurta"


def test_support_can_read_the_editor_but_not_save(staff_client, kurta):
    client = staff_client("support")
    html = client.get(edit_url(kurta)).content.decode()
    assert "KUR-S" in html and "Save product" not in html and "Save prices" not in html
    response = client.post(edit_url(kurta), {**PRODUCT, "title": "Hacked"})
    assert response.status_code == 403
    assert client.get(NEW).status_code == 403
    kurta.refresh_from_db()
    assert kurta.title == "Indigo Kurta"


def test_missing_product_is_404(staff_client):
    assert staff_client("owner").get("/dashboard/catalog/products/999999/").status_code == 404


def test_options_save_and_error(staff_client, kurta):
    client = staff_client("owner")
    response = client.post(
        edit_url(kurta, "options/"),
        {"name_0": "Size", "values_0": "S, M, L", "name_1": "Colour", "values_1": "Indigo"},
    )
    assert response.status_code == 302
    assert [(o.name, o.values) for o in kurta.options.all()] == [
        ("Size", ["S", "M", "L"]),
        ("Colour", ["Indigo"]),
    ]
    response = client.post(edit_url(kurta, "options/"), {"name_0": "Size", "values_0": ""})
    assert response.status_code == 422
    assert "List the values of Size" in response.content.decode()


def test_options_refuse_to_drop_a_value_in_use(staff_client, kurta):
    response = staff_client("owner").post(
        edit_url(kurta, "options/"), {"name_0": "Size", "values_0": "M"}
    )
    assert response.status_code == 422
    assert [o.values for o in kurta.options.all()] == [["S", "M"]]


def test_add_update_and_remove_variant(staff_client, kurta):
    client = staff_client("owner")
    response = client.post(
        edit_url(kurta, "variants/"),
        {
            "new-sku": "KUR-M",
            "new-opt_0": "M",
            "new-weight_grams": "250",
            "new-hsn_code": "6211",
            "new-cost": "400.50",
            "new-is_active": "on",
        },
    )
    assert response.status_code == 302
    variant = Variant.objects.get(sku="KUR-M")
    assert variant.option_values == {"Size": "M"} and variant.cost_amount == 40050
    prefix = f"v{variant.pk}"
    response = client.post(
        edit_url(kurta),
        saved(
            **{f"{prefix}-sku": "KUR-M2", f"{prefix}-opt_0": "M", f"{prefix}-weight_grams": "300"}
        ),
    )
    assert response.status_code == 302
    variant.refresh_from_db()
    assert (variant.sku, variant.weight_grams, variant.is_active) == ("KUR-M2", 300, False)
    client.post(edit_url(kurta, f"variants/{variant.pk}/delete/"))
    assert not Variant.objects.filter(pk=variant.pk).exists()


def test_duplicate_sku_is_shown_and_nothing_created(staff_client, kurta):
    response = staff_client("owner").post(
        edit_url(kurta, "variants/"), {"new-sku": "KUR-S", "new-opt_0": "M"}
    )
    assert response.status_code == 422
    assert "KUR-S" in response.content.decode() and "already" in response.content.decode()
    assert Variant.objects.count() == 1


def test_price_matrix_saves_each_currency_and_shows_history(staff_client, kurta):
    variant = kurta.variants.get()
    client = staff_client("owner")
    response = client.post(
        edit_url(kurta),
        saved(
            **{
                f"price-{variant.pk}-INR": "1199.00",
                f"compare-{variant.pk}-INR": "1499.00",
                f"price-{variant.pk}-USD": "15.50",
            }
        ),
    )
    assert response.status_code == 302
    prices = {p.currency_id: (p.amount, p.compare_at_amount) for p in variant.prices.all()}
    assert prices == {"INR": (119900, 149900), "USD": (1550, None)}
    html = client.get(edit_url(kurta)).content.decode()
    assert 'value="1199.00"' in html and 'value="15.50"' in html
    activity = html.split('id="activity"')[1]
    sku = variant.sku
    assert f"Price of {sku} in INR: ₹1,299.00 → ₹1,199.00" in activity
    assert f"Compare-at price of {sku} in INR set to ₹1,499.00" in activity
    assert f"Price of {sku} in USD set to $15.50" in activity
    assert PriceHistory.objects.filter(variant=variant).count() == 3  # incl. the first price


def test_bad_price_cell_shows_error_and_changes_nothing(staff_client, kurta):
    variant = kurta.variants.get()
    response = staff_client("owner").post(
        edit_url(kurta),
        saved(**{f"price-{variant.pk}-INR": "999.00", f"price-{variant.pk}-USD": "12.345"}),
    )
    html = response.content.decode()
    assert response.status_code == 422
    assert "USD amounts have 2 decimal places" in html
    assert 'value="12.345"' in html  # the typed value is kept for fixing
    assert VariantPrice.objects.get(variant=variant, currency_id="INR").amount == 129900
    assert not VariantPrice.objects.filter(currency_id="USD").exists()


def test_service_refusal_on_a_later_variant_rolls_back_earlier_ones(staff_client, kurta):
    first = kurta.variants.get()
    second = make_variant(kurta, "KUR-M", option_values={"Size": "M"})
    response = staff_client("owner").post(
        edit_url(kurta),
        saved(
            **{
                f"price-{first.pk}-INR": "999.00",
                f"price-{second.pk}-INR": "500.00",
                f"compare-{second.pk}-INR": "400.00",
            }
        ),
    )
    assert response.status_code == 422
    assert "Compare-at price must be higher than the price." in response.content.decode()
    assert VariantPrice.objects.get(variant=first).amount == 129900
    assert not VariantPrice.objects.filter(variant=second).exists()


def test_clearing_a_cell_removes_that_price(staff_client, kurta):
    variant = kurta.variants.get()
    staff_client("owner").post(edit_url(kurta), saved(**{f"price-{variant.pk}-INR": ""}))
    assert not variant.prices.exists()


def test_prices_forbidden_without_prices_permission(staff_client, kurta):
    variant = kurta.variants.get()
    response = staff_client("fulfilment").post(
        edit_url(kurta), saved(**{f"price-{variant.pk}-INR": "1.00"})
    )
    assert response.status_code == 403
    assert variant.prices.get().amount == 129900


def test_image_upload_alt_reorder_and_delete(staff_client, kurta):
    client = staff_client("owner")
    for name in ("front.png", "back.png"):
        response = client.post(
            edit_url(kurta, "images/"), {"image": png(name), "alt_text": name[:-4]}
        )
        assert response.status_code == 302
    front, back = ProductImage.objects.filter(product=kurta).order_by("position")
    assert front.renditions and "160" in front.renditions
    html = client.get(edit_url(kurta)).content.decode()
    assert ".webp" in html and 'alt="front"' in html
    client.post(edit_url(kurta, f"images/{back.pk}/up/"))
    assert list(kurta.images.order_by("position").values_list("pk", flat=True)) == [
        back.pk,
        front.pk,
    ]
    client.post(edit_url(kurta, f"images/{front.pk}/alt/"), {"alt_text": "Front view"})
    front.refresh_from_db()
    assert front.alt_text == "Front view"
    client.post(edit_url(kurta, f"images/{front.pk}/delete/"))
    assert list(kurta.images.values_list("pk", flat=True)) == [back.pk]


def test_non_image_upload_is_refused(staff_client, kurta):
    bogus = SimpleUploadedFile("x.png", b"not an image", content_type="image/png")
    response = staff_client("owner").post(edit_url(kurta, "images/"), {"image": bogus})
    assert response.status_code == 422
    assert 'class="form-errors"' in response.content.decode() or "errorlist" in (
        response.content.decode()
    )
    assert not ProductImage.objects.exists()


def test_delete_product(staff_client, kurta):
    response = staff_client("owner").post(edit_url(kurta, "delete/"))
    assert response.status_code == 302
    assert not Product.objects.filter(pk=kurta.pk).exists()
    assert staff_client("support").post(edit_url(kurta, "delete/")).status_code == 403
