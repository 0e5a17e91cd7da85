"""Currencies: services, selectors, the admin API and the dashboard page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from haat.core import currencies as svc
from haat.core.context import Actor, acting_as
from haat.core.errors import NotFound, ValidationError
from haat.core.models import AuditLogEntry, Currency

pytestmark = pytest.mark.django_db


def _state(code: str) -> tuple[bool, bool, int]:
    c = Currency.objects.get(code=code)
    return c.enabled, c.is_default, c.display_order


# --- services & selectors -----------------------------------------------------------------
def test_enable_and_disable_are_audited_and_idempotent():
    with acting_as(Actor(label="asha@example.test")):
        svc.enable_currency(code="usd")
        svc.enable_currency(code="USD")  # no change, no second entry
        svc.disable_currency(code="USD")
    entries = list(AuditLogEntry.objects.filter(object_id="USD").order_by("id"))
    assert [(e.action, e.changes, e.actor_label) for e in entries] == [
        ("currency.enabled", {"enabled": [False, True]}, "asha@example.test"),
        ("currency.disabled", {"enabled": [True, False]}, "asha@example.test"),
    ]
    assert _state("USD")[0] is False


def test_default_cannot_be_disabled():
    with pytest.raises(ValidationError) as exc:
        svc.disable_currency(code="INR")
    assert exc.value.code == "currency_is_default"
    assert "default" in exc.value.message
    assert _state("INR")[:2] == (True, True)
    assert not AuditLogEntry.objects.filter(object_type="core.currency").exists()


def test_set_default_requires_enabled_and_moves_the_flag():
    with pytest.raises(ValidationError) as exc:
        svc.set_default_currency(code="EUR")
    assert exc.value.code == "currency_disabled"
    svc.enable_currency(code="EUR")
    svc.set_default_currency(code="EUR")
    assert Currency.objects.filter(is_default=True).get().code == "EUR"
    assert _state("INR")[:2] == (True, False)  # the old default stays enabled
    svc.disable_currency(code="INR")
    assert set(AuditLogEntry.objects.values_list("action", flat=True)) >= {
        "currency.default_set",
        "currency.default_unset",
    }


def test_unknown_codes_are_clear_errors():
    with pytest.raises(NotFound) as exc:
        svc.enable_currency(code="ZZZ")
    assert exc.value.code == "unknown_currency"
    with pytest.raises(ValidationError) as exc:
        svc.set_display_order(codes=["INR", "ZZZ"])
    assert exc.value.code == "unknown_currency"
    assert exc.value.details["currencies"] == ["ZZZ"]
    with pytest.raises(ValidationError) as exc:
        svc.set_display_order(codes=["INR", "inr"])
    assert exc.value.code == "duplicate_currency"


def test_display_order(currencies):
    currencies("USD", "EUR")
    svc.set_display_order(codes=["EUR", "INR", "USD"])
    assert [c.code for c in svc.enabled_currencies()] == ["EUR", "INR", "USD"]
    entry = AuditLogEntry.objects.get(action="currency.reordered")
    assert entry.changes["EUR"] == [3, 1]


def test_get_enabled_currency(currencies):
    currencies("USD")
    assert svc.get_enabled_currency("usd").code == "USD"
    with pytest.raises(ValidationError) as exc:
        svc.get_enabled_currency("JPY")
    assert exc.value.code == "currency_disabled"
    assert "JPY" in exc.value.message and "not enabled" in exc.value.message
    assert exc.value.details["field"] == "currency"
    for bad in ("XYZ", "", "dollars"):
        with pytest.raises(ValidationError) as exc:
            svc.get_enabled_currency(bad)
        assert exc.value.code == "unknown_currency"


def test_selectors_see_changes_immediately():
    assert [c.code for c in svc.enabled_currencies()] == ["INR"]
    svc.enable_currency(code="GBP")
    assert [c.code for c in svc.enabled_currencies()] == ["INR", "GBP"]
    svc.disable_currency(code="GBP")
    with pytest.raises(ValidationError):
        svc.get_enabled_currency("GBP")


# --- admin API ----------------------------------------------------------------------------
def test_api_lists_with_enabled_filter_and_pagination(admin_api, currencies):
    currencies("USD")
    api = admin_api("support")  # catalog.view is enough to read
    body = api.get("/api/v1/admin/currencies", {"enabled": "true"}).json()
    assert [c["code"] for c in body["items"]] == ["INR", "USD"]
    assert body["count"] == 2
    assert body["items"][0] == {
        "code": "INR",
        "name": "Indian Rupee",
        "symbol": "₹",
        "decimal_places": 2,
        "enabled": True,
        "is_default": True,
        "display_order": 1,
    }
    everything = api.get("/api/v1/admin/currencies", {"page_size": 5}).json()
    assert everything["count"] > 100 and len(everything["items"]) == 5
    found = api.get("/api/v1/admin/currencies", {"q": "yen", "enabled": "false"}).json()
    assert "JPY" in [c["code"] for c in found["items"]]


def test_api_patch_enables_defaults_and_orders(admin_api):
    api = admin_api("manager")
    response = api.patch(
        "/api/v1/admin/currencies/aed", {"enabled": True, "is_default": True, "display_order": 7}
    )
    assert response.status_code == 200, response.json()
    assert response.json()["is_default"] is True and response.json()["display_order"] == 7
    assert Currency.objects.get(is_default=True).code == "AED"
    entry = AuditLogEntry.objects.filter(action="currency.enabled").get()
    assert entry.actor_label.startswith("api-key:")


def test_api_patch_errors_change_nothing(admin_api):
    api = admin_api("owner")
    response = api.patch("/api/v1/admin/currencies/INR", {"enabled": False})
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "currency_is_default"
    response = api.patch("/api/v1/admin/currencies/USD", {"display_order": 5, "is_default": True})
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "currency_disabled"
    assert _state("USD") == (False, False, 2)  # the order change rolled back too
    response = api.patch("/api/v1/admin/currencies/QQQ", {"enabled": True})
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "unknown_currency"
    response = api.patch("/api/v1/admin/currencies/USD", {"display_order": -1})
    assert response.status_code == 422
    assert not AuditLogEntry.objects.filter(object_type="core.currency").exists()


def test_api_permissions(admin_api):
    assert (
        admin_api("marketing").patch("/api/v1/admin/currencies/USD", {"enabled": True}).status_code
        == 403
    )
    assert admin_api("fulfilment").get("/api/v1/admin/currencies").status_code == 200
    assert _state("USD")[0] is False


# --- dashboard page -----------------------------------------------------------------------
def test_page_lists_enabled_currencies(staff_client, currencies):
    currencies("USD")
    response = staff_client("owner").get(reverse("core:currency_list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-code="INR"' in html and 'data-code="USD"' in html
    assert 'data-code="JPY"' not in html
    assert "Make default" in html and "Enable another currency" in html


def test_page_read_only_for_viewers_and_forbidden_writes(staff_client):
    client = staff_client("support")
    page = client.get(reverse("core:currency_list"))
    assert page.status_code == 200
    assert "Enable another currency" not in page.content.decode()
    response = client.post(reverse("core:currency_update", args=["USD"]), {"action": "enable"})
    assert response.status_code == 403
    assert _state("USD")[0] is False


def test_htmx_toggle_default_and_error_message(staff_client):
    client = staff_client("owner")
    htmx = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "currency-panel"}
    url = reverse("core:currency_update", args=["EUR"])
    response = client.post(url, {"action": "enable"}, **htmx)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-code="EUR"' in html and "EUR is now enabled." in html
    assert 'id="messages" hx-swap-oob="true"' in html

    client.post(url, {"action": "default"}, **htmx)
    assert Currency.objects.get(is_default=True).code == "EUR"

    response = client.post(url, {"action": "disable"}, **htmx)
    assert "EUR is the default currency" in response.content.decode()
    assert _state("EUR")[:2] == (True, True)
    entry = AuditLogEntry.objects.filter(action="currency.default_set").get()
    assert entry.actor_label.startswith("owner")


def test_search_and_reorder(staff_client, currencies):
    currencies("USD", "EUR")
    client = staff_client("manager")
    found = client.get(reverse("core:currency_search"), {"q": "dirham"}).content.decode()
    assert "AED" in found and "Enable" in found
    dollars = client.get(reverse("core:currency_search"), {"q": "dollar"}).content.decode()
    assert "AUD" in dollars and "USD" not in dollars  # only currencies not yet enabled

    response = client.post(
        reverse("core:currency_reorder"),
        {"order-INR": "3", "order-USD": "1", "order-EUR": "2"},
    )
    assert response.status_code == 302
    assert [c.code for c in svc.enabled_currencies()] == ["USD", "EUR", "INR"]
    bad = client.post(
        reverse("core:currency_reorder"), {"order-INR": "x"}, follow=True
    ).content.decode()
    assert "Position for INR must be a whole number." in bad
