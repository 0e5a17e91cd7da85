"""The demo store, loaded once for this module inside a transaction rolled back at the end
(it takes a few seconds: 44 products with pictures and renditions)."""

import io

import pytest
from django.db import transaction
from django.db.models import Count

from haat.accounts.api_keys import authenticate_key
from haat.accounts.models import ApiKey, User
from haat.catalog.models import (
    Category,
    Collection,
    Product,
    ProductImage,
    ProductPriceRange,
    Variant,
    VariantPrice,
)
from haat.core.errors import Conflict
from haat.core.models import Currency
from haat.demo import catalog_is_empty, load_demo

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        out = io.StringIO()
        yield load_demo(stdout=out), out.getvalue()
        transaction.set_rollback(True)


@pytest.fixture
def demo(loaded, db):
    return loaded


def test_demo_store_has_products_variants_and_images(demo):
    result, _ = demo
    assert result.products == Product.objects.count() >= 40
    assert result.variants == Variant.objects.count()
    assert ProductImage.objects.count() == result.products
    image = ProductImage.objects.first()
    assert image.width and image.height
    assert set(image.renditions) >= {"160", "480", "960"}
    assert {"draft", "archived", "active"} <= set(Product.objects.values_list("status", flat=True))
    assert Product.objects.values("availability").distinct().count() >= 4


def test_every_variant_is_priced_in_inr_usd_and_eur(demo):
    assert set(Currency.objects.filter(enabled=True).values_list("code", flat=True)) >= {
        "INR",
        "USD",
        "EUR",
    }
    per_variant = Variant.objects.annotate(n=Count("prices")).values_list("n", flat=True)
    assert set(per_variant) == {3}
    kurta = VariantPrice.objects.get(variant__sku="KL-KUR-002-M", currency="INR")
    assert kurta.amount == 189900  # ₹1,899 set by hand, not converted
    assert VariantPrice.objects.get(variant__sku="KL-KUR-002-M", currency="USD").amount == 3900
    assert VariantPrice.objects.filter(compare_at_amount__isnull=False).exists()
    xl = VariantPrice.objects.get(variant__sku="KL-KUR-002-XL", currency="INR")
    assert xl.amount == 199900
    price_range = ProductPriceRange.objects.get(product=kurta.variant.product, currency="INR")
    assert (price_range.min_amount, price_range.max_amount) == (189900, 199900)


def test_catalog_has_tree_collections_and_tax_codes(demo):
    apparel = Category.objects.get(slug="apparel")
    assert set(apparel.children.values_list("slug", flat=True)) == {"kurtas", "t-shirts", "stoles"}
    assert Category.objects.get(slug="mugs").parent.slug == "souvenirs"
    assert Collection.objects.count() >= 3
    assert Collection.objects.get(slug="festive-edit").products.count() >= 3
    tee = Variant.objects.filter(sku__startswith="KL-TEE").first()
    assert tee.hsn_code == "6109"
    assert tee.weight_grams and tee.cost_amount and tee.cost_currency == "INR"
    assert Variant.objects.filter(sku__startswith="KL-KUR").first().hsn_code == "6211"


def test_owner_can_sign_in_and_storefront_key_works(demo):
    result, printed = demo
    assert result.owner_password in printed
    assert result.publishable_key in printed
    user = User.objects.get(email=result.owner_email)
    assert user.role == "owner" and user.is_active
    assert user.check_password(result.owner_password)
    key = authenticate_key(result.publishable_key, kind=ApiKey.Kind.PUBLISHABLE)
    assert key is not None


def test_second_load_is_refused_and_changes_nothing(demo):
    before = (Product.objects.count(), Variant.objects.count(), ApiKey.objects.count())
    with pytest.raises(Conflict) as excinfo:
        load_demo(stdout=io.StringIO())
    assert excinfo.value.code == "demo_already_loaded"
    assert "already has products" in excinfo.value.message
    assert (Product.objects.count(), Variant.objects.count(), ApiKey.objects.count()) == before
    assert not catalog_is_empty()
