"""`/api/v1/admin/customers`: the list with search and pagination, one customer's profile
(the same facts as the dashboard), adding a note; replies checked against the OpenAPI
document by the test client."""

from __future__ import annotations

import pytest

from haat.customers.models import CustomerNote
from tests.customers import builders as b

pytestmark = pytest.mark.django_db

BASE = "/api/v1/admin/customers"


def test_list_search_and_pagination(admin_api, meera, variant, django_assert_max_num_queries):
    for i in range(3):
        b.order(b.customer(f"c{i}@example.in", f"900000000{i}", f"Customer {i}"), variant)
    api = admin_api("support")
    body = api.get(BASE, {"page_size": 2}).json()
    assert (body["count"], body["pages"], len(body["items"])) == (4, 2, 2)
    found = api.get(BASE, {"q": "+91 98450 12345"}).json()
    [row] = found["items"]
    assert (row["id"], row["name"], row["order_count"]) == (meera.pk, "Meera Iyer", 5)
    assert {m["formatted"] for m in row["spent"]} == {"₹4,199.00", "$45.00"}
    assert row["last_order_at"] is not None
    with django_assert_max_num_queries(6):  # key, count, page, spent (+ key bookkeeping)
        assert api.get(BASE, {"page_size": 100}).status_code == 200


def test_one_customer_has_the_same_facts_as_the_page(admin_api, meera):
    body = admin_api("support").get(f"{BASE}/{meera.pk}").json()
    assert body["email"] == "meera@example.in" and body["order_count"] == 5
    assert {m["formatted"] for m in body["spent"]} == {"₹4,199.00", "$45.00"}
    assert body["cod"]["orders"] == 3
    assert (body["cod"]["collected"], body["cod"]["awaiting_delivery"]) == (1, 1)
    assert body["cod"]["cancelled"] == 1
    outcomes = {x["outcome"] for x in body["cod"]["recent"]}
    assert outcomes == {"Cash collected", "₹1,200.00 due on delivery", "Cancelled before delivery"}
    [cancelled] = body["cancellations"]
    assert cancelled["by"] == "Asha Owner" and cancelled["reason"] == "Customer asked to cancel"
    assert body["addresses"][0]["line1"] == "12 Residency Road"
    assert [o["status_label"] for o in body["orders"]].count("Cancelled") == 1


def test_add_a_note_and_read_it_back(admin_api, meera):
    api = admin_api("support")
    r = api.post(f"{BASE}/{meera.pk}/notes", {"body": "Refused COD once; call first."})
    assert r.status_code == 201
    assert r.json()["body"] == "Refused COD once; call first."
    assert r.json()["author"] == "API key “test support”"
    assert api.get(f"{BASE}/{meera.pk}").json()["notes"][0]["id"] == r.json()["id"]


@pytest.mark.parametrize("body", [{"body": ""}, {"body": "   "}, {"body": "x" * 2001}, {}])
def test_a_bad_note_is_a_422_naming_the_field_and_writes_nothing(admin_api, meera, body):
    r = admin_api("support").post(f"{BASE}/{meera.pk}/notes", body)
    assert r.status_code == 422, r.content
    assert not CustomerNote.objects.exists()


def test_unknown_customer_and_roles(admin_api, meera):
    r = admin_api("support").get(f"{BASE}/999999")
    assert r.status_code == 404 and r.json()["error"]["code"] == "customer_not_found"
    r = admin_api("support").post(f"{BASE}/999999/notes", {"body": "x"})
    assert r.status_code == 404
    assert admin_api("marketing").get(BASE).status_code == 403
    assert admin_api("marketing").get(f"{BASE}/{meera.pk}").status_code == 403
    r = admin_api("fulfilment").post(f"{BASE}/{meera.pk}/notes", {"body": "x"})
    assert r.status_code == 403 and not CustomerNote.objects.exists()
