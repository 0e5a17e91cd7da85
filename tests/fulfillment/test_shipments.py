"""Shipments: AWB shapes per courier, split shipments never beyond what was ordered, the
shipment's own table, and the order following its shipments; bad input changes nothing."""

from __future__ import annotations

import pytest

from haat.core.errors import Conflict, NotFound, ValidationError
from haat.core.models import OutboxEvent
from haat.fulfillment import couriers, services
from haat.fulfillment.models import Courier, Shipment, ShipmentLine
from haat.orders import lifecycle
from haat.orders.models import Order

pytestmark = pytest.mark.django_db
L = services.LineQuantity


def _line(order: Order) -> int:
    return order.lines.get().pk


@pytest.mark.parametrize(
    ("code", "good", "bad"),
    [
        ("delhivery", "12345678901234", "ABC123"),
        ("bluedart", "12345678901", "1234567890"),
        ("dtdc", "d12345678", "123456789"),
        ("indiapost", "ea123456789in", "EA12345678IN"),
        ("shiprocket", "SR1234567X", "x"),
    ],
)
def test_each_seeded_courier_checks_its_awb_shape(code, good, bad):
    courier = couriers.courier_by_code(code)
    assert couriers.check_awb(courier, good) == good.upper()
    with pytest.raises(ValidationError) as err:
        couriers.check_awb(courier, bad)
    assert err.value.code == "invalid_awb"
    assert courier.name in err.value.message


def test_split_shipments_move_the_order_and_never_exceed_what_was_ordered(cod_order):
    line = _line(cod_order)
    first = services.create_shipment(
        order=cod_order, courier_code="delhivery", awb="12345678901234", lines=[L(line, 2)]
    )
    assert first.location.code == "main"  # where the stock was sold from
    assert first.tracking_link.endswith("/12345678901234")
    with pytest.raises(Conflict) as err:
        services.create_shipment(
            order=cod_order, courier_code="delhivery", awb="12345678901235", lines=[L(line, 2)]
        )
    assert err.value.code == "over_shipped"
    assert Shipment.objects.count() == 1

    services.move_shipment(order=cod_order, shipment_id=first.pk, to="shipped")
    cod_order.refresh_from_db()
    assert cod_order.status == "partially_shipped"

    second = services.create_shipment(order=cod_order, courier_code="bluedart", awb="12345678901")
    assert list(second.lines.values_list("quantity", flat=True)) == [1]  # what was left
    services.move_shipment(order=cod_order, shipment_id=second.pk, to="shipped")
    cod_order.refresh_from_db()
    assert cod_order.status == "shipped"

    services.move_shipment(order=cod_order, shipment_id=first.pk, to="out_for_delivery")
    cod_order.refresh_from_db()
    assert cod_order.status == "out_for_delivery"
    services.move_shipment(order=cod_order, shipment_id=first.pk, to="delivered")
    cod_order.refresh_from_db()
    assert cod_order.status == "partially_delivered"
    services.move_shipment(order=cod_order, shipment_id=second.pk, to="delivered")
    cod_order.refresh_from_db()
    assert cod_order.status == "delivered"

    kinds = list(OutboxEvent.objects.values_list("event_type", flat=True))
    assert kinds.count("shipment.created") == 2
    assert kinds.count("shipment.delivered") == 2
    assert kinds.count("shipment.out_for_delivery") == 1
    created = OutboxEvent.objects.filter(event_type="shipment.created").first().payload
    assert created["tracking_url"].endswith("12345678901234")
    assert created["token"] == cod_order.token
    statuses = [
        p["to_status"]
        for p in OutboxEvent.objects.filter(event_type="order.status_changed").values_list(
            "payload", flat=True
        )
    ]
    assert statuses == [
        "partially_shipped",
        "shipped",
        "out_for_delivery",
        "partially_delivered",
        "delivered",
    ]


def test_a_failed_attempt_puts_the_order_back_to_shipped(cod_order):
    s = services.create_shipment(order=cod_order, courier_code="dtdc", awb="D12345678")
    for to in ("shipped", "out_for_delivery", "failed_attempt"):
        services.move_shipment(order=cod_order, shipment_id=s.pk, to=to)
    cod_order.refresh_from_db()
    assert cod_order.status == "shipped"
    services.move_shipment(order=cod_order, shipment_id=s.pk, to="rto", note="Refused")
    cod_order.refresh_from_db()
    assert cod_order.status == "rto"


def test_bad_input_is_refused_and_changes_nothing(cod_order, warehouse):
    line = _line(cod_order)
    with pytest.raises(ValidationError) as err:
        services.create_shipment(order=cod_order, courier_code="delhivery", awb="12")
    assert err.value.code == "invalid_awb"
    with pytest.raises(NotFound):
        services.create_shipment(order=cod_order, courier_code="fedex", awb="12345678")
    with pytest.raises(Conflict):
        services.create_shipment(
            order=cod_order, courier_code="dtdc", awb="D12345678", lines=[L(line, 4)]
        )
    with pytest.raises(ValidationError):
        services.create_shipment(
            order=cod_order, courier_code="dtdc", awb="D12345678", lines=[L(line + 999, 1)]
        )
    assert not Shipment.objects.exists() and not ShipmentLine.objects.exists()

    s = services.create_shipment(order=cod_order, courier_code="dtdc", awb="D12345678")
    with pytest.raises(Conflict) as err:
        services.move_shipment(order=cod_order, shipment_id=s.pk, to="delivered")
    assert err.value.details["allowed"] == ["shipped"]
    with pytest.raises(NotFound):
        services.move_shipment(order=cod_order, shipment_id=s.pk + 99, to="shipped")
    s.refresh_from_db()
    assert s.status == "created"


def test_a_cancelled_or_unpaid_order_cannot_ship(cod_order):
    lifecycle.cancel(order=cod_order)
    with pytest.raises(Conflict) as err:
        services.create_shipment(order=cod_order, courier_code="dtdc", awb="D12345678")
    assert err.value.code == "not_shippable"


def test_the_same_awb_twice_is_a_409(cod_order):
    line = _line(cod_order)
    services.create_shipment(
        order=cod_order, courier_code="dtdc", awb="D12345678", lines=[L(line, 1)]
    )
    with pytest.raises(Conflict) as err:
        services.create_shipment(
            order=cod_order, courier_code="dtdc", awb="d12345678", lines=[L(line, 1)]
        )
    assert err.value.code == "duplicate_awb"


def test_a_custom_courier_has_its_own_link_and_loose_awb_check():
    c = couriers.create_courier(
        code="city-runner", name="City Runner", tracking_url="https://run.example/t/{awb}"
    )
    assert couriers.check_awb(c, "cr-001") == "CR-001"
    with pytest.raises(Conflict):
        couriers.create_courier(code="city-runner", name="Again")
    with pytest.raises(ValidationError):
        couriers.create_courier(code="x2", name="No link", tracking_url="https://x.example/")
    assert Courier.objects.filter(built_in=True).count() == 5


def test_cancelling_the_order_cancels_its_shipments_not_yet_handed_over(cod_order):
    line = _line(cod_order)
    s = services.create_shipment(
        order=cod_order, courier_code="dtdc", awb="D12345678", lines=[L(line, 2)]
    )
    lifecycle.cancel(order=cod_order, note="Customer asked")
    s.refresh_from_db()
    assert s.status == "cancelled"
    assert list(s.events.values_list("to_status", flat=True)) == ["created", "cancelled"]
    assert services.shipped_per_line(cod_order) == {}
    with pytest.raises(ValidationError):  # staff cannot move it any more, nor cancel by hand
        services.move_shipment(order=cod_order, shipment_id=s.pk, to="cancelled")
    with pytest.raises(Conflict) as err:
        services.move_shipment(order=cod_order, shipment_id=s.pk, to="shipped")
    assert err.value.details["allowed"] == []


def test_a_cancelled_shipments_awb_can_be_used_again(warehouse):
    from tests.checkout.helpers import make_variant
    from tests.payments.helpers import make_order

    variant = make_variant(price="100.00", stock=10, sku="MUG-1")
    first = make_order(variant, payment_type="cod", status="confirmed")
    services.create_shipment(order=first, courier_code="dtdc", awb="D12345678")
    lifecycle.cancel(order=first)
    second = make_order(variant, payment_type="cod", status="confirmed")
    again = services.create_shipment(order=second, courier_code="dtdc", awb="D12345678")
    assert again.status == "created"


def test_a_move_staff_cannot_make_and_a_long_note_are_refused_in_words(cod_order):
    line = _line(cod_order)
    shipment = services.create_shipment(
        order=cod_order, courier_code="delhivery", awb="12345678901234", lines=[L(line, 1)]
    )
    with pytest.raises(ValidationError) as bad_move:
        services.move_shipment(order=cod_order, shipment_id=shipment.pk, to="created")
    assert bad_move.value.message == (
        "A shipment can be marked delivered, delivery attempt failed, out for delivery, "
        "returned to origin, shipped."
    )
    with pytest.raises(ValidationError) as long_note:
        services.move_shipment(
            order=cod_order, shipment_id=shipment.pk, to="shipped", note="x" * 501
        )
    assert long_note.value.details == {"field": "note"}
    assert "at most 500 characters" in long_note.value.message
    assert Shipment.objects.get(pk=shipment.pk).status == "created"
