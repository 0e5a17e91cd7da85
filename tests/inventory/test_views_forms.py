"""Stock forms in the merchant's hands: the bulk sheet past 100 rows, and the receive /
adjust / transfer dialogs that keep their errors inside the dialog and carry their bounds."""

from __future__ import annotations

import re

import pytest

from haat.inventory.ledger import MAX_QUANTITY
from haat.inventory.models import StockLevel, StockMovement
from tests.inventory.conftest import make_location, make_variant, receive

pytestmark = pytest.mark.django_db
D = "/dashboard/inventory/"
HX = {"HX-Request": "true"}


def _input(html: str, name: str) -> str:
    match = re.search(rf'<(?:input|textarea)[^>]*name="{name}"[^>]*>', html)
    assert match, f"no input {name}"
    return match.group(0)


def test_bulk_sheet_pages_past_100_rows_and_applies_row_101(staff_client):
    client = staff_client("owner")
    main = make_location("main")
    variants = [make_variant(f"BULK-{i:03}", title=f"Item {i:03}") for i in range(1, 106)]
    first = client.get(D + "stock/bulk/", {"location": "main"}).content.decode()
    assert "Showing 1–100 of 105 variants" in first
    assert "BULK-100" in first and "BULK-101" not in first
    assert "page=2" in first
    second = client.get(D + "stock/bulk/", {"location": "main", "page": 2}).content.decode()
    assert "Showing 101–105 of 105 variants" in second and "BULK-101" in second
    row_101, row_105 = variants[100], variants[104]
    r = client.post(
        D + "stock/bulk/",
        {"location": "main", "page": "2", f"count-{row_101.pk}": "7", f"count-{row_105.pk}": "2"},
    )
    assert r.status_code == 200
    counts = dict(StockLevel.objects.filter(location=main).values_list("variant__sku", "on_hand"))
    assert counts == {"BULK-101": 7, "BULK-105": 2}


def test_bulk_sheet_count_boxes_carry_bounds(staff_client):
    make_location("main")
    v = make_variant("BOUND-1")
    html = staff_client("owner").get(D + "stock/bulk/").content.decode()
    box = _input(html, f"count-{v.pk}")
    assert 'min="0"' in box and f'max="{MAX_QUANTITY}"' in box
    assert 'maxlength="500"' in _input(html, "note")


def test_receive_dialog_inputs_carry_the_services_bounds(staff_client):
    make_location("main")
    v = make_variant("TEE")
    html = staff_client("manager").get(D + f"stock/receive/?variant={v.pk}", headers=HX)
    html = html.content.decode()
    assert "<dialog" in html and 'hx-post="/dashboard/inventory/stock/receive/"' in html
    quantity = _input(html, "quantity")
    assert 'min="1"' in quantity and f'max="{MAX_QUANTITY}"' in quantity
    assert 'maxlength="500"' in _input(html, "note")
    assert 'maxlength="100"' in _input(html, "reference")
    adjust = staff_client("manager").get(D + f"stock/adjust/?variant={v.pk}", headers=HX)
    assert f'min="-{MAX_QUANTITY}"' in _input(adjust.content.decode(), "quantity")


@pytest.mark.parametrize(
    ("quantity", "message"),
    [
        ("0", "Enter at least 1."),
        ("-3", "Enter at least 1."),
        ("abc", "Enter a whole number of units."),
        (str(MAX_QUANTITY + 1), "Enter at most 1,000,000 units."),
    ],
)
def test_receive_with_a_bad_quantity_re_renders_the_dialog_with_the_error(
    staff_client, quantity, message
):
    main = make_location("main")
    v = make_variant("TEE")
    r = staff_client("manager").post(
        D + "stock/receive/",
        {"variant": v.pk, "location": main.pk, "quantity": quantity},
        headers=HX,
    )
    html = r.content.decode()
    assert r.status_code == 422
    assert html.lstrip().startswith("<dialog") and "<html" not in html  # the dialog, not a page
    assert message in html and 'aria-invalid="true"' in _input(html, "quantity")
    assert StockMovement.objects.count() == 0


def test_dialog_shows_service_refusals_and_reloads_the_list_when_saved(staff_client):
    client = staff_client("manager")
    main, shop = make_location("main", 1), make_location("shop", 2)
    v = make_variant("TEE")
    receive(v, main, 10)
    r = client.post(
        D + "stock/transfer/",
        {"variant": v.pk, "from_location": main.pk, "to_location": shop.pk, "quantity": 11},
        headers=HX,
    )
    assert r.status_code == 422 and "<dialog" in r.content.decode()
    assert "Only 10 available" in r.content.decode()
    r = client.post(
        D + "stock/adjust/",
        {"variant": v.pk, "location": main.pk, "reason": "adjustment", "quantity": 0},
        headers=HX,
    )
    assert r.status_code == 422 and "other than zero" in r.content.decode()
    r = client.post(
        D + "stock/receive/", {"variant": v.pk, "location": main.pk, "quantity": 5}, headers=HX
    )
    assert r.status_code == 204 and r["HX-Refresh"] == "true"
    assert StockLevel.objects.get(location=main).on_hand == 15
    r = client.get(D + "stock/receive/?variant=999999", headers=HX)
    assert r.status_code == 204 and r["HX-Redirect"] == D + "stock/"
