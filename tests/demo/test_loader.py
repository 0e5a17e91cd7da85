"""The demo catalog, staff and storefront key (the `demo` fixture is in conftest.py)."""

import io

import pytest
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
from haat.core.store import store
from haat.demo import catalog_is_empty, load_demo

pytestmark = pytest.mark.django_db


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


def test_the_team_has_every_role_and_only_the_owner_has_a_password(demo):
    result, printed = demo
    team = {u.email: u for u in User.objects.all()}
    assert result.staff == len(team) == 5
    assert {u.role for u in team.values()} == {
        "owner",
        "manager",
        "fulfilment",
        "marketing",
        "support",
    }
    others = [u for u in team.values() if u.role != "owner"]
    assert all(u.is_active and not u.has_usable_password() for u in others)
    assert all(u.email not in printed for u in others)
    assert team[result.owner_email].has_usable_password()


def test_demo_store_is_kesari_lane_with_its_address_and_gstin(demo):
    details = store()
    assert details.name == "Kesari Lane" and details.legal_name == "Kesari Lane Crafts LLP"
    assert details.state == "Rajasthan" and details.gstin.startswith("08")
