"""GST rates on categories and products: the services' validation, which rate applies to a
variant (one query for many), the admin API and the dashboard page."""

from __future__ import annotations

from decimal import Decimal

import pytest

from haat.catalog.taxonomy import create_category, update_category
from haat.core.models import AuditLogEntry
from haat.tax import selectors, services
from haat.tax.error_codes import TaxError
from haat.tax.models import GstRate
from tests.catalog.domain_helpers import make_product, make_variant

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():
    """Apparel > Kurtas, Apparel > Sarees, Home; one variant in each, one in two."""
    apparel = create_category(name="Apparel")
    kurtas = create_category(name="Kurtas", parent_id=apparel.id)
    sarees = create_category(name="Sarees", parent_id=apparel.id)
    home = create_category(name="Home")
    kurta = make_variant(make_product("Indigo kurta", category_ids=[kurtas.id]), "KUR-1")
    saree = make_variant(make_product("Silk saree", category_ids=[sarees.id]), "SAR-1")
    mug = make_variant(make_product("Clay mug", category_ids=[home.id]), "MUG-1")
    gift = make_variant(make_product("Gift set", category_ids=[kurtas.id, home.id]), "GIFT-1")
    loose = make_variant(make_product("Tote bag"), "TOTE-1")
    return {
        "apparel": apparel, "kurtas": kurtas, "sarees": sarees, "home": home,
        "kurta": kurta, "saree": saree, "mug": mug, "gift": gift, "loose": loose,
    }  # fmt: skip


def test_rates_resolve_product_then_nearest_category_then_default(tree, django_assert_num_queries):
    services.set_category_rate(category_id=tree["apparel"].id, rate=5)
    services.set_category_rate(category_id=tree["home"].id, rate=18, cess=Decimal("1.5"))
    services.set_product_rate(product_id=tree["saree"].product_id, rate=12)
    ids = [tree[k].id for k in ("kurta", "saree", "mug", "gift", "loose")]
    # After a change each process works out the rate book once (the stamp moved): the
    # statement, the settings, categories and category rates, and the stamp again.
    with django_assert_num_queries(5):
        selectors.effective_rates(ids[:1])
    with django_assert_num_queries(1):
        rates = selectors.effective_rates(ids)
    # Kurtas inherit Apparel's 5 %; the saree's own 12 % wins over it.
    assert (rates[tree["kurta"].id].rate, rates[tree["kurta"].id].source) == (5, "category")
    assert rates[tree["kurta"].id].category_id == tree["apparel"].id
    assert (rates[tree["saree"].id].rate, rates[tree["saree"].id].source) == (12, "product")
    assert (rates[tree["mug"].id].rate, rates[tree["mug"].id].cess) == (18, Decimal("1.50"))
    # The gift set is in Kurtas (Apparel's 5 % one level up) and Home (18 % directly):
    # the nearer category wins.
    assert rates[tree["gift"].id].rate == 18
    # No category rate: the store's default (18 % until changed).
    assert (rates[tree["loose"].id].rate, rates[tree["loose"].id].source) == (18, "default")
    services.update_tax_settings(prices_include_tax=True, default_rate=0)
    assert selectors.effective_rates([tree["loose"].id])[tree["loose"].id].rate == 0


def test_equally_near_categories_take_the_higher_rate(tree):
    services.set_category_rate(category_id=tree["kurtas"].id, rate=5)
    services.set_category_rate(category_id=tree["home"].id, rate=12)
    assert selectors.effective_rates([tree["gift"].id])[tree["gift"].id].rate == 12
    # A nearer category below a rated parent overrides the parent.
    services.set_category_rate(category_id=tree["apparel"].id, rate=28)
    assert selectors.effective_rates([tree["kurta"].id])[tree["kurta"].id].rate == 5
    assert selectors.effective_rates([]) == {}


def test_moving_a_category_moves_its_products_rate(tree):
    # Categories are settings-stamped too: a process's rate book follows the tree.
    services.set_category_rate(category_id=tree["home"].id, rate=12)
    assert selectors.effective_rates([tree["kurta"].id])[tree["kurta"].id].rate == 18
    update_category(category=tree["kurtas"], parent_id=tree["home"].id)
    assert selectors.effective_rates([tree["kurta"].id])[tree["kurta"].id].rate == 12


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"rate": 15}, TaxError.INVALID_GST_RATE),
        ({"rate": -5}, TaxError.INVALID_GST_RATE),
        ({"rate": True}, TaxError.INVALID_GST_RATE),
        ({"rate": "18"}, TaxError.INVALID_GST_RATE),
        ({"rate": 18, "cess": "1.234"}, TaxError.INVALID_CESS),
        ({"rate": 18, "cess": "-1"}, TaxError.INVALID_CESS),
        ({"rate": 18, "cess": "301"}, TaxError.INVALID_CESS),
        ({"rate": 18, "cess": "lots"}, TaxError.INVALID_CESS),
    ],
)
def test_only_slabs_and_a_cess_percent_are_accepted(tree, kwargs, code):
    with pytest.raises(services.ValidationError) as caught:
        services.set_category_rate(category_id=tree["home"].id, **kwargs)
    assert caught.value.code == code and caught.value.http_status == 422
    assert not GstRate.objects.exists()


def test_setting_again_replaces_and_clearing_falls_back(tree):
    pid = tree["mug"].product_id
    services.set_product_rate(product_id=pid, rate=12)
    services.set_product_rate(product_id=pid, rate=18, cess=5)
    assert GstRate.objects.get(product_id=pid).rate == 18
    assert services.clear_product_rate(product_id=pid) is True
    assert services.clear_product_rate(product_id=pid) is False
    taxed = AuditLogEntry.objects.filter(action__startswith="tax.").order_by("id")
    actions = list(taxed.values_list("action", flat=True))
    assert actions == ["tax.rate_set", "tax.rate_set", "tax.rate_clear"]
    with pytest.raises(services.NotFound):
        services.set_product_rate(product_id=999_999, rate=5)


def test_labels_are_the_merchants_words():
    assert selectors.rate_label(18) == "18 % GST"
    assert selectors.rate_label(0) == "No GST (0 %)"
    assert selectors.rate_label(28, Decimal("12.50")) == "28 % GST + 12.5 % cess"


def test_settings_default_to_inclusive_prices_and_change(db):
    assert selectors.tax_config().prices_include_tax is True
    services.update_tax_settings(prices_include_tax=False, default_rate=12, default_cess="0")
    config = selectors.tax_config()
    assert (config.prices_include_tax, config.default_rate) == (False, 12)
    with pytest.raises(services.ValidationError):
        services.update_tax_settings(prices_include_tax="yes", default_rate=12)  # type: ignore[arg-type]


# --- admin API ------------------------------------------------------------------------------
def test_admin_api_sets_lists_and_clears_rates(tree, admin_api):
    api = admin_api("owner")
    reply = api.put(f"/api/v1/admin/tax/categories/{tree['kurtas'].id}/rate", {"rate": 5})
    assert reply.status_code == 200, reply.json()
    assert reply.json()["name"] == "Apparel / Kurtas" and reply.json()["label"] == "5 % GST"
    reply = api.put(
        f"/api/v1/admin/tax/products/{tree['mug'].product_id}/rate", {"rate": 28, "cess": "12"}
    )
    assert reply.json()["label"] == "28 % GST + 12 % cess"
    listed = api.get("/api/v1/admin/tax/rates").json()
    assert [r["name"] for r in listed["categories"]] == ["Apparel / Kurtas"]
    assert [r["name"] for r in listed["products"]] == ["Clay mug"]
    rates = api.get(
        "/api/v1/admin/tax/variants", {"variant_id": [tree["kurta"].id, tree["mug"].id]}
    ).json()
    assert [(r["rate"], r["source"]) for r in rates] == [(5, "category"), (28, "product")]
    assert (
        api.delete(f"/api/v1/admin/tax/products/{tree['mug'].product_id}/rate").status_code == 204
    )
    assert api.get("/api/v1/admin/tax/rates").json()["products"] == []


def test_admin_api_refuses_bad_rates_with_clear_422s(tree, admin_api):
    api = admin_api("owner")
    url = f"/api/v1/admin/tax/categories/{tree['home'].id}/rate"
    reply = api.put(url, {"rate": 15})
    assert reply.status_code == 422
    assert reply.json()["error"]["code"] == "invalid_gst_rate"
    assert "0 %, 5 %, 12 %, 18 %, 28 %" in reply.json()["error"]["message"]
    reply = api.put(url, {"rate": 18, "cess": "0.125"})
    assert reply.status_code == 422 and reply.json()["error"]["code"] == "invalid_cess"
    assert api.put("/api/v1/admin/tax/categories/999999/rate", {"rate": 5}).status_code == 404
    reply = api.put("/api/v1/admin/tax/settings", {"prices_include_tax": False, "default_rate": 7})
    assert reply.status_code == 422 and reply.json()["error"]["code"] == "invalid_gst_rate"
    reply = api.put("/api/v1/admin/tax/settings", {"prices_include_tax": False, "default_rate": 12})
    assert reply.status_code == 200
    assert reply.json() == {
        "prices_include_tax": False,
        "default_rate": 12,
        "default_cess": "0.00",
        "default_label": "12 % GST",
    }


def test_admin_api_permissions(tree, admin_api):
    marketing = admin_api("marketing")
    assert marketing.get("/api/v1/admin/tax/rates").status_code == 200
    reply = marketing.put(f"/api/v1/admin/tax/categories/{tree['home'].id}/rate", {"rate": 5})
    assert reply.status_code == 403
    assert (
        admin_api("manager")
        .put(f"/api/v1/admin/tax/categories/{tree['home'].id}/rate", {"rate": 5})
        .status_code
        == 200
    )


# --- dashboard ------------------------------------------------------------------------------
def test_dashboard_page_in_the_merchants_words(tree, staff_client):
    client = staff_client("owner")
    services.set_category_rate(category_id=tree["kurtas"].id, rate=5)
    page = client.get("/dashboard/settings/tax/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Apparel / Kurtas" in html and "5 % GST" in html
    assert "No GST is charged until your store has a state and a GSTIN" in html
    # Pick a product by name, then set its rate.
    found = client.get("/dashboard/settings/tax/products/search/", {"q": "saree"}).content
    assert b"Silk saree" in found and b"Indigo kurta" not in found
    pid = tree["saree"].product_id
    reply = client.post(f"/dashboard/settings/tax/products/{pid}/", {"rate": "12", "cess": "0"})
    assert reply.status_code == 302
    assert "Silk saree" in client.get("/dashboard/settings/tax/").content.decode()
    # A bad rate shows the reason and changes nothing.
    reply = client.post(
        "/dashboard/settings/tax/categories/", {"category": tree["home"].id, "rate": "15"}
    )
    assert reply.status_code == 422 and "A GST rate is one of" in reply.content.decode()
    reply = client.post(
        "/dashboard/settings/tax/settings/", {"prices_include_tax": "no", "default_rate": "12"}
    )
    assert reply.status_code == 302 and selectors.tax_config().prices_include_tax is False


def test_dashboard_roles(tree, staff_client):
    support = staff_client("support")
    page = support.get("/dashboard/settings/tax/")
    assert page.status_code == 200 and b"Set the category" not in page.content
    reply = support.post(
        "/dashboard/settings/tax/categories/", {"category": tree["home"].id, "rate": "5"}
    )
    assert reply.status_code == 403


def test_the_audit_log_reads_rates_in_words(tree):
    from haat.core.selectors import audit_lines

    services.set_category_rate(category_id=tree["apparel"].id, rate=5)
    services.set_category_rate(category_id=tree["apparel"].id, rate=28, cess=12)
    services.clear_category_rate(category_id=tree["apparel"].id)
    services.update_tax_settings(prices_include_tax=False, default_rate=12)
    entries = AuditLogEntry.objects.filter(action__startswith="tax.").order_by("id")
    lines = audit_lines(list(entries))
    text = [(str(line.sentence), list(map(str, line.details))) for line in lines]
    assert "set the GST rate of" in text[0][0] and "Apparel (category)" in text[0][0]
    assert text[0][1] == ["Rate: none → 5 % GST"]
    assert text[1][1] == ["Rate: 5 % GST → 28 % GST + 12 % cess"]
    assert text[2][1] == ["Rate: 28 % GST + 12 % cess → none"]
    assert text[3][1] == ["Prices exclude GST: it is added at checkout", "Default rate: 12 % GST"]
