"""The front doors are built from the registry: every installed context's API routers, URL
namespaces, navigation entries and home widgets appear, and nothing else does."""

from __future__ import annotations

import re

import pytest
from django.urls import get_resolver, reverse

from haat.api.api import api
from haat.core.registry import contributions, home_widgets, nav_entries

pytestmark = pytest.mark.django_db

# The paths did not change when the names moved out of the `dashboard:` namespace.
NAV_PATHS = {
    "orders:order_list": "/dashboard/orders/",
    "orders:customer_list": "/dashboard/customers/",
    "payments:late_payments": "/dashboard/late-payments/",
    "payments:cod_remittance": "/dashboard/payments/cod-remittance/",
    "notifications:message_list": "/dashboard/messages/",
    "notifications:cod_queue": "/dashboard/messages/cod/",
    "inventory:stock_list": "/dashboard/inventory/stock/",
    "inventory:low_stock": "/dashboard/inventory/stock/low/",
    "inventory:location_list": "/dashboard/inventory/locations/",
    "catalog:product_list": "/dashboard/catalog/products/",
    "catalog:category_list": "/dashboard/catalog/categories/",
    "catalog:collection_list": "/dashboard/catalog/collections/",
    "catalog:catalog_import": "/dashboard/catalog/import/",
    "core:store_details": "/dashboard/settings/store/",
    "tax:tax_settings": "/dashboard/settings/tax/",
    "payments:payment_settings": "/dashboard/payments/",
    "gateways:gateway_settings": "/dashboard/payments/gateways/",
    "shipping:zone_list": "/dashboard/shipping/",
    "payments:payment_rules": "/dashboard/payments/rules/",
    "notifications:rule_list": "/dashboard/messages/rules/",
    "notifications:template_list": "/dashboard/messages/templates/",
    "core:currency_list": "/dashboard/settings/currencies/",
    "accounts:staff_list": "/dashboard/settings/staff/",
    "accounts:api_key_list": "/dashboard/settings/api-keys/",
    "accounts:roles": "/dashboard/settings/roles/",
    "core:audit_log": "/dashboard/settings/audit-log/",
    "accounts:email_log": "/dashboard/settings/email-log/",
}
OTHER_PATHS = {
    ("dashboard:home", ()): "/dashboard/",
    ("accounts:login", ()): "/dashboard/login/",
    ("orders:order_detail", ("HT-10001",)): "/dashboard/orders/HT-10001/",
    ("orders:customer_detail", (7,)): "/dashboard/customers/7/",
    ("dashboard:search", ()): "/dashboard/search/",
    # Payments' actions on an order page keep the order's paths.
    ("payments:order_refund", ("HT-10001",)): "/dashboard/orders/HT-10001/refund/",
    ("payments:order_cod_collected", ("HT-10001",)): "/dashboard/orders/HT-10001/cod-collected/",
    (
        "payments:order_line_availability",
        ("HT-10001", 3),
    ): "/dashboard/orders/HT-10001/lines/3/availability/",
    ("catalog:product_edit", (7,)): "/dashboard/catalog/products/7/",
    ("gateways_public:webhook_razorpay", ()): "/webhooks/razorpay",
    ("gateways_public:test_pay", ("tok",)): "/pay/test/tok",
    ("paypage:pay", ("tok",)): "/pay/tok",
    ("notifications:message_detail", (5,)): "/dashboard/messages/5/",
    (
        "notifications_public:anymail:postmark_tracking_webhook",
        (),
    ): "/webhooks/anymail/postmark/tracking/",
    ("notifications_public:webhook_whatsapp", ()): "/webhooks/whatsapp",
    ("notifications_public:webhook_sms_msg91", ()): "/webhooks/sms/msg91/",
    ("notifications_public:webhook_sms_twilio", ()): "/webhooks/sms/twilio/",
    ("notifications_public:cod_page", ("tok",)): "/cod/tok",
    ("notifications_public:unsubscribe", ("tok",)): "/unsubscribe/tok",
}


def test_every_context_router_is_mounted():
    paths = set(api.get_openapi_schema()["paths"])
    mounted = 0
    for contribution in contributions():
        for routes in contribution.api:
            for path in routes.router.path_operations:
                openapi_path = re.sub(r"{\w+:(\w+)}", r"{\1}", f"/api/v1{routes.prefix}{path}")
                assert openapi_path in paths, (contribution.label, openapi_path)
                mounted += 1
    assert mounted > 50
    labels = {c.label for c in contributions() if c.api}
    assert labels == {
        "core",
        "accounts",
        "catalog",
        "inventory",
        "tax",
        "shipping",
        "checkout",
        "fulfillment",
        "orders",
        "payments",
        "gateways",
        "notifications",
    }


def test_every_operation_comes_from_a_registered_router():
    tags = {tag for c in contributions() for routes in c.api for tag in routes.router.tags}
    for item in api.get_openapi_schema()["paths"].values():
        for operation in item.values():
            assert set(operation["tags"]) <= tags, operation["operationId"]


def test_each_context_has_its_own_dashboard_namespace():
    namespaces = get_resolver().namespace_dict
    dashboards = [c for c in contributions() if c.dashboard]
    assert {c.label for c in dashboards} == {
        "core",
        "accounts",
        "catalog",
        "inventory",
        "tax",
        "shipping",
        "fulfillment",
        "orders",
        "payments",
        "gateways",
        "notifications",
    }
    for contribution in dashboards:
        assert contribution.dashboard.namespace == contribution.label
        assert contribution.dashboard.namespace in namespaces
    for contribution in contributions():
        if contribution.public:
            assert contribution.public.namespace in namespaces
    assert "dashboard" in namespaces


def test_dashboard_paths_are_unchanged():
    assert {e.url_name: reverse(e.url_name) for e in nav_entries()} == NAV_PATHS
    for (name, args), path in OTHER_PATHS.items():
        assert reverse(name, args=args) == path


def test_owner_sees_every_entry_and_widget(staff_client):
    response = staff_client("owner").get("/dashboard/")
    items = response.context["nav_items"]
    assert [i["url_name"] for i in items] == ["dashboard:home", *NAV_PATHS]
    assert [i["url"] for i in items[1:]] == list(NAV_PATHS.values())
    assert set(response.context["figures"]) == {w.name for w in home_widgets()}
