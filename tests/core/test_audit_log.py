"""Reading the audit log: admin API filters and the dashboard page."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from haat.core.models import AuditLogEntry

pytestmark = pytest.mark.django_db

URL = "/api/v1/admin/audit-log"


def _entry(*, at: datetime, actor=None, label="", action="product.updated", **fields):
    entry = AuditLogEntry.objects.create(
        actor=actor,
        actor_label=label or (actor.email if actor else "system"),
        action=action,
        object_type=fields.pop("object_type", "catalog.product"),
        **fields,
    )
    AuditLogEntry.objects.filter(pk=entry.pk).update(created_at=at)
    return entry


@pytest.fixture
def log(make_staff):
    asha = make_staff("owner", email="asha@example.test")
    ravi = make_staff("manager", email="ravi@example.test")
    AuditLogEntry.objects.all().delete()  # whatever the fixtures themselves recorded
    return {
        "asha": asha,
        "ravi": ravi,
        "price": _entry(
            at=datetime(2024, 3, 1, 10, 0, tzinfo=UTC),
            actor=asha,
            action="product.price_set",
            object_id="7",
            object_repr="Kurta",
            changes={"price": ["1299.00", "999.00"]},
        ),
        # 20:00 UTC on 1 March is 01:30 on 2 March in Asia/Kolkata, the store's time zone.
        "late": _entry(
            at=datetime(2024, 3, 1, 20, 0, tzinfo=UTC),
            actor=ravi,
            object_id="8",
            changes={"title": ["Old", "New"]},
        ),
        "key": _entry(
            at=datetime(2024, 3, 5, 9, 0, tzinfo=UTC),
            label="api-key:erp sync",
            action="currency.enabled",
            object_type="core.currency",
            object_id="USD",
            changes={"enabled": [False, True]},
        ),
    }


def _ids(response) -> list[int]:
    assert response.status_code == 200, response.json()
    return [item["id"] for item in response.json()["items"]]


def test_api_filters(admin_api, log):
    api = admin_api("manager")
    all_ids = _ids(api.get(URL))
    # Newest first (the API key's own creation, recorded just now, comes before these).
    assert all_ids[-3:] == [log["key"].pk, log["late"].pk, log["price"].pk]
    assert _ids(api.get(URL, {"actor": "ASHA@"})) == [log["price"].pk]
    assert _ids(api.get(URL, {"actor": str(log["ravi"].pk)})) == [log["late"].pk]
    assert _ids(api.get(URL, {"actor": "erp"})) == [log["key"].pk]
    assert _ids(api.get(URL, {"action": "product.updated"})) == [log["late"].pk]
    assert _ids(api.get(URL, {"object_type": "core.currency"})) == [log["key"].pk]
    assert _ids(api.get(URL, {"object_type": "catalog.product", "object_id": "7"})) == [
        log["price"].pk
    ]
    assert _ids(api.get(URL, {"date_from": "2024-03-01", "date_to": "2024-03-01"})) == [
        log["price"].pk
    ]
    assert _ids(api.get(URL, {"date_from": "2024-03-02", "date_to": "2024-03-04"})) == [
        log["late"].pk
    ]
    assert _ids(api.get(URL, {"date_from": "2024-03-05", "date_to": "2024-12-31"})) == [
        log["key"].pk
    ]


def test_api_shape_pagination_and_errors(admin_api, log):
    api = admin_api("owner")
    body = api.get(URL, {"page_size": 2, "object_type": "catalog.product"}).json()
    assert body["count"] == 2 and body["pages"] == 1
    item = next(i for i in body["items"] if i["id"] == log["price"].pk)
    assert item["actor_id"] == log["asha"].pk
    assert item["actor_label"] == "asha@example.test"
    assert item["changes"] == {"price": ["1299.00", "999.00"]}
    assert item["object_repr"] == "Kurta"

    bad = api.get(URL, {"date_from": "2024-03-05", "date_to": "2024-03-01"})
    assert bad.status_code == 422
    assert bad.json()["error"]["details"]["field"] == "date_to"
    assert api.get(URL, {"date_from": "yesterday"}).status_code == 422


def test_api_requires_audit_permission(admin_api, log):
    response = admin_api("marketing").get(URL)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"


def test_page_filters_and_shows_changes(staff_client, log):
    client = staff_client("owner")
    page = client.get(reverse("core:audit_log"), {"actor": "asha"})
    assert page.status_code == 200
    html = page.content.decode()
    table = html.split('id="audit-table"')[1]
    # An action no context phrases still reads as a sentence, with its object's stored name.
    assert "product.price set" in table and "Kurta" in table
    assert "Price: 1299.00 → 999.00" in table
    assert "ravi@example.test" not in table
    # Action filter choices: the code as value, the phrase as words.
    assert '<option value="currency.enabled" >Turned on …</option>' in html

    partial = client.get(
        reverse("core:audit_log"),
        {"object_type": "core.currency"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="audit-table",
    ).content.decode()
    assert "<html" not in partial
    assert "API key “erp sync”</strong> turned on" in partial
    assert '<a href="/dashboard/settings/currencies/">US Dollar (USD)</a>' in partial
    assert "Kurta" not in partial

    dated = client.get(
        reverse("core:audit_log"), {"date_from": "2024-03-02", "date_to": "2024-03-04"}
    ).content.decode()
    assert "Title: Old → New" in dated and "Kurta" not in dated and "erp sync" not in dated

    wrong = client.get(
        reverse("core:audit_log"), {"date_from": "2024-03-05", "date_to": "2024-03-01"}
    ).content.decode()
    assert "Must be on or after the" in wrong


def test_page_query_count_is_constant(staff_client, log):
    client = staff_client("owner")
    url = reverse("core:audit_log")

    def count_queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    client.get(url)  # warm the session and the navigation's cached badge
    few = count_queries()
    actor = log["asha"]
    for i in range(120):
        # The same two kinds of object as the first page (each named with one query),
        # many objects of each.
        currency = i % 3 == 0
        _entry(
            at=datetime(2024, 4, 1, tzinfo=UTC),
            actor=actor if i % 2 else None,
            object_type="core.currency" if currency else "catalog.product",
            object_id=("USD", "INR", "EUR")[i % 9 // 3] if currency else str(i),
            changes={"stock": [i, i + 1], "note": "bulk"},
        )
    many = count_queries()
    assert many == few
    assert few <= 9  # the page's own reads, plus one query per kind of object named
    page2 = client.get(url, {"page": "2"}).content.decode()
    assert "page 2 of 3" in page2


def test_page_requires_audit_permission(staff_client):
    response = staff_client("marketing").get(reverse("core:audit_log"))
    assert response.status_code == 403
