"""The payment-options storefront endpoint, the admin API and the dashboard pages."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from haat.core.models import AuditLogEntry
from haat.gateways.types import GatewayUpdate, UpdateKind
from haat.payments import config
from haat.payments.models import PaymentMethodRule, Refund
from haat.payments.services import apply_gateway_update, start_online_payment
from tests.checkout.helpers import fill_cart, make_variant
from tests.payments.helpers import make_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def variant(warehouse):
    return make_variant(price="1000.00", stock=10)


def test_store_payment_options(store_api, variant):
    config.update_settings(data={"partial_cod_enabled": True, "cod_fee": {"INR": 4900}})
    token = fill_cart(store_api, variant, 2)
    url = f"/api/v1/store/carts/{token}/payment-options"
    r = store_api.get(url, {"state": "KA", "country": "IN", "postal_code": "560025"})
    assert r.status_code == 200, r.content
    body = r.json()
    options = {o["type"]: o for o in body["options"]}
    assert body["subtotal"]["amount"] == 200000
    assert options["cod"]["total"]["amount"] == 204900
    assert options["partial_cod"]["pay_now"]["amount"] == 20000
    assert not options["reserve_and_pay"]["available"]
    bad = store_api.get(url, {"state": "Atlantis", "country": "IN"})
    assert bad.status_code == 422 and bad.json()["error"]["details"]["field"] == "state"
    assert store_api.get("/api/v1/store/carts/nope/payment-options").status_code == 404


def test_admin_settings_and_rules_api(admin_api, variant):
    api = admin_api("manager")
    r = api.patch("/api/v1/admin/payments/settings", {"cod_fee": {"INR": 4900}})
    assert r.status_code == 200 and r.json()["cod_fee"] == {"INR": 4900}
    assert r.json()["gateways"]["INR"] == "test"
    r = api.patch("/api/v1/admin/payments/settings", {"cod_fee": {"XYZ": 1}})
    assert r.status_code == 422
    rule = {"payment_type": "cod", "effect": "forbid", "scope": "state", "state_code": "MH"}
    r = api.post("/api/v1/admin/payments/method-rules", rule)
    assert r.status_code == 201, r.content
    assert api.post("/api/v1/admin/payments/method-rules", rule).status_code == 409
    listed = api.get("/api/v1/admin/payments/method-rules").json()
    assert listed["count"] == 1 and listed["items"][0]["target"] == "state MH"
    rule_id = r.json()["id"]
    assert api.delete(f"/api/v1/admin/payments/method-rules/{rule_id}").status_code == 204
    assert not PaymentMethodRule.objects.exists()
    slab = {"scope": "store", "currency": "INR", "percent": "15", "max_order_value": 100}
    created = api.post("/api/v1/admin/payments/partial-cod-rules", slab)
    assert created.status_code == 201, created.content
    slabs = api.get("/api/v1/admin/payments/partial-cod-rules").json()
    assert slabs["count"] == 1
    assert (slabs["items"][0]["percent"], slabs["items"][0]["max_order_value"]) == ("15.00", 100)
    slab_url = f"/api/v1/admin/payments/partial-cod-rules/{created.json()['id']}"
    assert api.delete(slab_url).status_code == 204
    assert api.get("/api/v1/admin/payments/partial-cod-rules").json()["count"] == 0
    assert api.delete(slab_url).status_code == 404
    # support and marketing may not change payment settings
    assert admin_api("support").get("/api/v1/admin/payments/settings").status_code == 403
    assert admin_api("marketing").patch("/api/v1/admin/payments/settings", {}).status_code == 403


def _paid_order(variant):
    order = make_order(variant)
    payment, _ = start_online_payment(order=order, purpose="full", return_url="/t")
    apply_gateway_update(
        GatewayUpdate(
            "test",
            UpdateKind.CAPTURED,
            payment.gateway_order_id,
            f"p-{order.pk}",
            payment.amount,
            "INR",
            f"e-{order.pk}",
        )
    )
    order.refresh_from_db()
    assert order.payment_status == "paid"
    return order


def test_refund_key_reused_with_another_body_is_a_422(admin_api, variant):
    """As Stripe does: the same key and body give the same refund, another body under the
    key is refused and refunds nothing (another order's refund included)."""
    order, other = _paid_order(variant), _paid_order(variant)
    api = admin_api("owner")
    url = f"/api/v1/admin/orders/{order.number}/refunds"
    body = {"amount": 1000, "reason": "Late delivery"}
    first = api.post(url, body, headers={"Idempotency-Key": "rk-1"})
    again = api.post(url, body, headers={"Idempotency-Key": "rk-1"})
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    for reused in (
        api.post(url, {**body, "amount": 2000}, headers={"Idempotency-Key": "rk-1"}),
        api.post(
            f"/api/v1/admin/orders/{other.number}/refunds",
            body,
            headers={"Idempotency-Key": "rk-1"},
        ),
    ):
        assert reused.status_code == 422
        assert reused.json()["error"]["code"] == "idempotency_key_reused"
    assert list(Refund.objects.values_list("amount", flat=True)) == [1000]


def test_refund_api_needs_key_and_permission(admin_api, variant):
    order = _paid_order(variant)
    url = f"/api/v1/admin/orders/{order.number}/refunds"
    body = {"amount": 1000, "reason": "Late delivery"}
    assert admin_api("support").post(url, body, headers={"Idempotency-Key": "k"}).status_code == 403
    api = admin_api("owner")
    assert api.post(url, body).status_code == 422  # no Idempotency-Key
    first = api.post(url, body, headers={"Idempotency-Key": "refund-1"})
    again = api.post(url, body, headers={"Idempotency-Key": "refund-1"})
    assert first.status_code == 201 and first.json()["id"] == again.json()["id"]
    assert first.json()["status"] == "processed"
    assert (
        api.post(
            url, {"amount": 10**8, "reason": "x"}, headers={"Idempotency-Key": "big"}
        ).status_code
        == 409
    )
    assert Refund.objects.count() == 1
    # Refused refunds through the API leave the same audit trace as the dashboard's.
    refused = AuditLogEntry.objects.filter(action="payments.refund_refused").order_by("id")
    assert [e.changes["amount"] for e in refused] == [1000, 10**8]
    assert refused.last().changes["code"] == "refund_exceeds_paid"
    txns = api.get("/api/v1/admin/payments/transactions", {"order": order.number}).json()
    assert {t["kind"] for t in txns["items"]} == {"capture", "refund"}
    listed = api.get("/api/v1/admin/payments/refunds", {"order": order.number}).json()
    assert listed["count"] == 1
    assert (listed["items"][0]["order"], listed["items"][0]["amount"]["amount"]) == (
        order.number,
        1000,
    )
    missing = api.get("/api/v1/admin/payments/refunds", {"order": "HT-99999"})
    assert (missing.status_code, missing.json()["error"]["code"]) == (404, "order_not_found")
    assert admin_api("marketing").get("/api/v1/admin/payments/refunds").status_code == 403


def test_cod_collected_api(admin_api, variant):
    order = make_order(variant, payment_type="cod", status="confirmed")
    api = admin_api("manager")
    url = f"/api/v1/admin/orders/{order.number}/cod-collected"
    r = api.post(url, {"amount": order.total_amount, "reference": "AWB-1"})
    assert r.status_code == 201 and r.json()["payment_status"] == "paid"
    assert api.post(url, {"amount": order.total_amount, "reference": "AWB-1"}).status_code == 200
    too_much = api.post(url, {"amount": 1, "reference": "AWB-2"})
    assert too_much.status_code == 409, too_much.content
    refused = AuditLogEntry.objects.get(action="payments.cod_refused")
    assert (refused.changes["amount"], refused.changes["reference"]) == (1, "AWB-2")


def test_cod_remittance_api_reconciles_and_refuses_a_bad_file(admin_api, variant):
    order = make_order(variant, payment_type="cod", status="confirmed")
    api = admin_api("manager")
    url = "/api/v1/admin/payments/cod-remittance"
    amount = f"{order.total_amount // 100}.{order.total_amount % 100:02d}"
    good = f"order_number,amount,reference,remitted_on\n{order.number},{amount},R9,2025-02-01\n"
    r = api.post(url, {"csv": good})
    assert r.status_code == 200, r.content
    assert [row["status"] for row in r.json()["rows"]] == ["recorded"]
    order.refresh_from_db()
    assert order.payment_status == "paid"
    bad = "order_number,amount,reference,remitted_on\nHT-1,abc,R,2025-02-01\n"
    r = api.post(url, {"csv": bad})
    assert r.status_code == 422, r.content
    assert admin_api("support").post(url, {"csv": good}).status_code == 403


def test_settings_page_saves_per_currency_amounts(staff_client, currencies):
    currencies("KWD")
    client = staff_client("owner")
    page = client.get("/dashboard/payments/")
    assert page.status_code == 200 and b"TEST" in page.content
    form = {
        "prepaid_enabled": "on",
        "cod_enabled": "on",
        "partial_cod_percent": "12.5",
        "reserve_window_hours": "24",
        "cod_fee__INR": "49.00",
        "express_fee__KWD": "1.250",
        "gateway__INR": "",
    }
    r = client.post("/dashboard/payments/", form, follow=True)
    assert b"Payment settings saved" in r.content
    cfg = config.get_settings()
    assert cfg.cod_fee == {"INR": 4900} and cfg.express_fee == {"KWD": 1250}
    assert str(cfg.partial_cod_percent) == "12.50" and cfg.reserve_window_hours == 24
    r = client.post("/dashboard/payments/", {**form, "cod_fee__INR": "49.005"}, follow=True)
    assert b"decimal places" in r.content
    assert config.get_settings().cod_fee == {"INR": 4900}
    assert staff_client("support").get("/dashboard/payments/").status_code == 403


def test_rules_page_and_remittance_page(staff_client, variant):
    client = staff_client("manager")
    r = client.post(
        "/dashboard/payments/rules/",
        {
            "action": "create_method",
            "payment_type": "cod",
            "effect": "forbid",
            "scope": "state",
            "state_code": "KA",
        },
        follow=True,
    )
    assert b"Rule added" in r.content and b"Deliveries to Karnataka" in r.content
    r = client.post(
        "/dashboard/payments/rules/",
        {
            "action": "create_partial",
            "scope": "store",
            "currency": "INR",
            "percent": "20",
            "minimum_amount": "99.00",
            "max_order_value": "1500.00",
        },
        follow=True,
    )
    assert b"Partial-COD rule added" in r.content
    order = make_order(variant, payment_type="cod", status="confirmed")
    csv_file = SimpleUploadedFile(
        "r.csv",
        f"order_number,amount,reference,remitted_on\n{order.number},1000.00,R9,2025-02-01\n".encode(),
    )
    r = client.post("/dashboard/payments/cod-remittance/", {"file": csv_file})
    assert r.status_code == 200 and b"recorded" in r.content
    bad = SimpleUploadedFile(
        "r.csv", b"order_number,amount,reference,remitted_on\nHT-1,abc,R,2025-02-01\n"
    )
    r = client.post("/dashboard/payments/cod-remittance/", {"file": bad})
    assert r.status_code == 422 and b"nothing was imported" in r.content
