"""Staff set a variant's allowance to sell beyond stock: admin API and the stock page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from haat.core.models import AuditLogEntry
from haat.core.selectors import audit_lines
from haat.inventory.backorders import set_policy
from haat.inventory.holds import HoldRequest, OutOfStock, place_holds
from haat.inventory.models import BackorderMovement, BackorderPolicy
from tests.inventory.conftest import make_variant, receive

pytestmark = pytest.mark.django_db
A = "/api/v1/admin/"
D = "/dashboard/inventory/"


def future(days: int = 30) -> str:
    return (timezone.localdate() + timedelta(days=days)).isoformat()


def test_policy_api_and_its_422s(admin_api):
    api = admin_api("owner")
    v = make_variant("TEE-M")
    url = A + f"variants/{v.pk}/backorder-policy"
    assert api.get(url).status_code == 404
    r = api.put(url, {"mode": "pre_order", "cap": 3, "ships_on": future()})
    assert r.status_code == 200, r.content
    assert r.json() == {
        "variant_id": v.pk,
        "sku": "TEE-M",
        "mode": "pre_order",
        "cap": 3,
        "committed": 0,
        "left": 3,
        "ships_on": future(),
        "ships_in_days": None,
    }
    bad = {
        "both promises": {"mode": "backorder", "cap": 3, "ships_on": future(), "ships_in_days": 4},
        "no promise": {"mode": "backorder", "cap": 3},
        "past date": {"mode": "pre_order", "cap": 3, "ships_on": "2020-01-01"},
    }
    for name, body in bad.items():
        r = api.put(url, body)
        assert r.status_code == 422, name
        assert r.json()["error"]["code"] == "backorder_promise_invalid", name
    for body in (
        {"mode": "later", "cap": 3, "ships_in_days": 4},
        {"mode": "backorder", "cap": "3", "ships_in_days": 4},
        {"mode": "backorder", "cap": -1, "ships_in_days": 4},
        {"mode": "backorder", "cap": 3, "ships_in_days": 400},
        {"mode": "backorder", "cap": 3, "ships_on": "soon"},
    ):
        r = api.put(url, body)
        assert r.status_code == 422, body
        assert r.json()["error"]["details"], body
    place_holds(requests=[HoldRequest(v.pk, 2)], owner_type="order", owner_id="1")
    r = api.put(url, {"mode": "backorder", "cap": 1, "ships_in_days": 5})
    assert r.status_code == 422 and r.json()["error"]["code"] == "backorder_cap_too_low"
    assert r.json()["error"]["details"] == {"field": "cap", "committed": 2}
    r = api.delete(url)
    assert r.status_code == 409 and r.json()["error"]["code"] == "backorder_in_use"
    r = api.put(url, {"mode": "backorder", "cap": 2, "ships_in_days": 5})
    assert r.json()["left"] == 0 and r.json()["committed"] == 2
    assert admin_api("support").put(url, {"mode": "backorder", "cap": 9}).status_code == 403


def test_policy_can_be_removed_when_nothing_is_open(admin_api):
    api = admin_api("owner")
    v = make_variant()
    url = A + f"variants/{v.pk}/backorder-policy"
    api.put(url, {"mode": "backorder", "cap": 3, "ships_in_days": 4})
    assert api.delete(url).status_code == 204
    assert not BackorderPolicy.objects.exists()
    assert api.delete(url).status_code == 404


def test_stock_page_form(staff_client):
    client = staff_client("manager")
    v = make_variant("SAREE-1")
    page = D + f"stock/variants/{v.pk}/"
    action = page + "beyond-stock/"
    assert "Not sold beyond stock" in client.get(page).content.decode()
    r = client.post(
        action, {"mode": "backorder", "cap": "4", "ships_on": future(), "ships_in_days": "3"}
    )
    assert r.status_code == 200
    assert "not both" in r.content.decode()
    assert not BackorderPolicy.objects.exists()
    r = client.post(action, {"mode": "backorder", "cap": "4", "ships_in_days": "12"}, follow=True)
    html = r.content.decode()
    assert "Backorder</strong>: 0 of 4 sold beyond stock" in html
    assert "12 days after the order" in html
    place_holds(requests=[HoldRequest(v.pk, 1)], owner_type="order", owner_id="7")
    assert BackorderMovement.objects.get().quantity == 1
    r = client.post(action, {"action": "stop"}, follow=True)
    assert "set the cap to 1" in r.content.decode()
    assert staff_client("support").post(action, {"action": "stop"}).status_code == 403


def test_locking_path_reads_policies_only_for_short_variants_that_have_one(warehouse, shop):
    plain, beyond = make_variant(), make_variant()
    for v in (plain, beyond):  # stocked at two places: the locking path, not the fast one
        receive(v, warehouse, 1)
        receive(v, shop, 1)
    set_policy(variant_id=beyond.pk, mode="backorder", cap=5, ships_in_days=3)

    def policy_reads(ctx):
        return [
            q for q in ctx.captured_queries if "FROM inventory_backorderpolicy WHERE" in q["sql"]
        ]

    with CaptureQueriesContext(connection) as ctx, pytest.raises(OutOfStock) as refused:
        place_holds(requests=[HoldRequest(plain.pk, 3)], owner_type="cart", owner_id="a")
    assert not policy_reads(ctx)
    assert refused.value.details["lines"] == [
        {"variant_id": plain.pk, "sku": plain.sku, "requested": 3, "available": 2}
    ]
    with CaptureQueriesContext(connection) as ctx:
        holds = place_holds(requests=[HoldRequest(beyond.pk, 3)], owner_type="cart", owner_id="b")
    assert len(policy_reads(ctx)) == 1
    assert sorted((h.location_id is None, h.quantity) for h in holds) == [
        (False, 1),
        (False, 1),
        (True, 1),
    ]
    with pytest.raises(OutOfStock) as refused:
        place_holds(requests=[HoldRequest(beyond.pk, 5)], owner_type="cart", owner_id="c")
    assert refused.value.details["lines"][0]["beyond_stock_left"] == 4


def test_admin_holds_list_shows_holds_beyond_stock(admin_api):
    v = make_variant()
    set_policy(variant_id=v.pk, mode="pre_order", cap=2, ships_in_days=30)
    place_holds(requests=[HoldRequest(v.pk, 2)], owner_type="order", owner_id="5")
    item = admin_api("owner").get(A + "holds").json()["items"][0]
    assert (item["location_id"], item["location_code"], item["quantity"]) == (None, None, 2)


def test_policy_changes_read_in_words_in_the_audit_log():
    v = make_variant("KUR-PRE")
    set_policy(variant_id=v.pk, mode="pre_order", cap=25, ships_in_days=21)
    set_policy(variant_id=v.pk, mode="backorder", cap=10, ships_in_days=12)
    entries = list(AuditLogEntry.objects.filter(action="stock.backorder_policy").order_by("id"))
    first, second = audit_lines(entries)
    assert "changed how" in first.sentence and "KUR-PRE" in first.sentence
    assert first.details == [
        "Selling beyond stock: not sold beyond stock"
        " → pre-order of up to 25 units, ships in 21 days"
    ]
    assert second.details == [
        "Selling beyond stock: pre-order of up to 25 units, ships in 21 days"
        " → backorder of up to 10 units, ships in 12 days"
    ]


def test_stock_list_shows_variants_sold_beyond_stock_as_such(staff_client):
    pre = make_variant("KUR-PRE-S")
    back = make_variant("DUP-MADE")
    out = make_variant("TEE-GONE")
    set_policy(variant_id=pre.pk, mode="pre_order", cap=25, ships_in_days=21)
    set_policy(variant_id=back.pk, mode="backorder", cap=10, ships_in_days=12)
    html = staff_client("manager").get(D + "stock/").content.decode()

    def badge(sku: str) -> str:
        row = html[html.index(sku) :]
        row = row[row.index('class="badge') :]
        return row[: row.index("</span>")]

    assert badge("KUR-PRE-S").endswith(">Pre-order")
    assert badge("DUP-MADE").endswith(">Backorder")
    assert badge(out.sku).endswith(">Out")
