"""Shipments: the only code that writes them.

`create_shipment` takes the order's row lock (`orders.lifecycle.lock`) before it adds up
what earlier shipments carry, so two staff shipping the same line at once cannot together
ship more than was ordered: the second waits for the first and then sees its units.
`move_shipment` walks the shipment's own table (`state.py`) and reports the order's units
to `orders.lifecycle.shipments_changed`, which decides the order's status; both commit or
neither does.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone

from haat.core.audit import record_audit
from haat.core.context import current_actor
from haat.core.errors import Conflict, NotFound, ValidationError
from haat.core.outbox import emit
from haat.core.staff_notes import clean_note
from haat.fulfillment import couriers, state
from haat.fulfillment.error_codes import FulfilmentError
from haat.fulfillment.events import (
    ShipmentCreated,
    ShipmentDelivered,
    ShipmentOutForDelivery,
    ShippedLine,
)
from haat.fulfillment.models import Shipment, ShipmentEvent, ShipmentLine
from haat.inventory.models import Location, StockMovement
from haat.inventory.selectors import movements_for_reference
from haat.orders import lifecycle
from haat.orders import state as order_state
from haat.orders.models import Order

SS = Shipment.Status
OS = Order.Status
# An order can have units shipped while it is in one of these.
SHIPPABLE = order_state.BEFORE_SHIPPING | {OS.PARTIALLY_SHIPPED, OS.PARTIALLY_DELIVERED}


@dataclass(frozen=True)
class LineQuantity:
    order_line_id: int
    quantity: int


@dataclass(frozen=True)
class Parcel:
    weight_grams: int | None = None
    length_cm: int | None = None
    breadth_cm: int | None = None
    height_cm: int | None = None


def shipped_per_line(order: Order) -> dict[int, int]:
    """Units of each order line already in a shipment (any status but cancelled)."""
    rows = (
        ShipmentLine.objects.filter(shipment__order=order)
        .exclude(shipment__status=SS.CANCELLED)
        .values("order_line_id")
        .annotate(units=Sum("quantity"))
    )
    return {r["order_line_id"]: r["units"] for r in rows}


def _wanted(order: Order, lines: list[LineQuantity] | None) -> dict[int, int]:
    ordered = {line.pk: line.quantity for line in order.lines.all()}
    shipped = shipped_per_line(order)
    if lines is None:  # everything still to ship
        wanted = {pk: qty - shipped.get(pk, 0) for pk, qty in ordered.items()}
        wanted = {pk: qty for pk, qty in wanted.items() if qty > 0}
        if not wanted:
            raise Conflict(
                f"Every unit of {order.number} is already in a shipment.",
                code=FulfilmentError.OVER_SHIPPED,
            )
        return wanted
    if not lines:
        raise ValidationError("Choose at least one line to ship.", details={"field": "lines"})
    wanted: Counter[int] = Counter()
    for i, item in enumerate(lines):
        if item.order_line_id not in ordered:
            raise ValidationError(
                f"Line {item.order_line_id} is not a line of {order.number}.",
                details={"field": f"lines[{i}].order_line_id"},
            )
        if item.quantity < 1:
            raise ValidationError(
                "Ship at least one unit of each line you list.",
                details={"field": f"lines[{i}].quantity"},
            )
        wanted[item.order_line_id] += item.quantity
    for pk, qty in wanted.items():
        left = ordered[pk] - shipped.get(pk, 0)
        if qty > left:
            raise Conflict(
                f"Only {left} of {ordered[pk]} unit{'s' if ordered[pk] != 1 else ''} of this "
                f"line {'is' if left == 1 else 'are'} left to ship; {qty} is too many.",
                code=FulfilmentError.OVER_SHIPPED,
                details={"order_line_id": pk, "ordered": ordered[pk], "left": left},
            )
    return dict(wanted)


def default_location(order: Order, line_ids: list[int]) -> int | None:
    """Where the stock of these lines was taken: the location of most of their sold units
    (the order's `sale` movements in the ledger), None when nothing was sold yet. A
    parcel whose units came from two places is recorded as shipped from the main one."""
    variants = set(order.lines.filter(pk__in=line_ids).values_list("variant_id", flat=True))
    counts: Counter[int] = Counter()
    for m in movements_for_reference(order.number, reason=StockMovement.Reason.SALE):
        if m.variant_id in variants:
            counts[m.location_id] += -m.quantity if m.quantity < 0 else m.quantity
    # Most units wins; a tie goes to the older location (usually the main warehouse), so
    # the answer never depends on the order rows came back in.
    return min(counts, key=lambda loc: (-counts[loc], loc)) if counts else None


def create_shipment(
    *,
    order: Order,
    courier_code: str,
    awb: str,
    lines: list[LineQuantity] | None = None,
    location_id: int | None = None,
    parcel: Parcel | None = None,
    estimated_delivery: date | None = None,
) -> Shipment:
    """A parcel of some (or, with `lines=None`, all remaining) units of an order."""
    courier = couriers.courier_by_code(courier_code)
    awb_value = couriers.check_awb(courier, awb)
    parcel = parcel or Parcel()
    if location_id is not None and not Location.objects.filter(pk=location_id).exists():
        raise ValidationError("No such stock location.", details={"field": "location_id"})
    actor = current_actor()
    with transaction.atomic():
        locked = lifecycle.lock(order.pk)
        if locked.status not in SHIPPABLE:
            raise Conflict(
                f"Order {locked.number} is {locked.get_status_display().lower()}; "
                "nothing of it can ship now.",
                code=FulfilmentError.NOT_SHIPPABLE,
                details={"status": locked.status},
            )
        if (
            Shipment.objects.filter(courier=courier, awb=awb_value)
            .exclude(status=SS.CANCELLED)
            .exists()
        ):
            raise Conflict(
                f"{courier.name} tracking number {awb_value} is already on another shipment.",
                code=FulfilmentError.DUPLICATE_AWB,
                details={"field": "awb"},
            )
        wanted = _wanted(locked, lines)
        try:
            # Another order's shipment may take the same AWB between the check above and
            # here (the lock is per order); the unique constraint decides.
            with transaction.atomic():
                shipment = Shipment.objects.create(
                    order=locked,
                    courier=courier,
                    awb=awb_value,
                    location_id=location_id or default_location(locked, list(wanted)),
                    weight_grams=parcel.weight_grams,
                    length_cm=parcel.length_cm,
                    breadth_cm=parcel.breadth_cm,
                    height_cm=parcel.height_cm,
                    estimated_delivery=estimated_delivery,
                    created_by=actor.user if getattr(actor.user, "pk", None) else None,
                )
        except IntegrityError as exc:
            raise Conflict(
                f"{courier.name} tracking number {awb_value} is already on another shipment.",
                code=FulfilmentError.DUPLICATE_AWB,
                details={"field": "awb"},
            ) from exc
        ShipmentLine.objects.bulk_create(
            ShipmentLine(shipment=shipment, order_line_id=pk, quantity=qty)
            for pk, qty in wanted.items()
        )
        ShipmentEvent.objects.create(
            shipment=shipment, to_status=SS.CREATED, actor_label=actor.label[:255]
        )
        skus = dict(locked.lines.filter(pk__in=wanted).values_list("pk", "sku"))
        emit(
            ShipmentCreated(
                **_facts(locked, shipment),
                lines=[ShippedLine(sku=skus[pk], quantity=qty) for pk, qty in wanted.items()],
            ),
            aggregate=locked,
        )
        record_audit(
            action="shipment.create",
            obj=locked,
            changes={"courier": courier.name, "awb": awb_value, "units": sum(wanted.values())},
        )
    return shipment


def _facts(order: Order, shipment: Shipment) -> dict:
    return {
        "number": order.number,
        "token": order.token,
        "shipment_id": shipment.pk,
        "courier": shipment.courier.code,
        "courier_name": shipment.courier.name,
        "awb": shipment.awb,
        "tracking_url": shipment.tracking_link,
    }


def units_of(order: Order) -> order_state.Units:
    """The order's units by where its shipments are, for the orders lifecycle."""
    ordered = sum(order.lines.values_list("quantity", flat=True))
    by_status: Counter[str] = Counter()
    for status, units in (
        ShipmentLine.objects.filter(shipment__order=order)
        .values_list("shipment__status")
        .annotate(units=Sum("quantity"))
    ):
        by_status[status] += units
    return order_state.Units(
        ordered=ordered,
        shipped=sum(by_status[s] for s in state.LEFT) + by_status[SS.RTO],
        out_for_delivery=by_status[SS.OUT_FOR_DELIVERY],
        delivered=by_status[SS.DELIVERED],
        returned_to_origin=by_status[SS.RTO],
    )


def move_shipment(
    *, order: Order, shipment_id: int, to: str, note: str = "", at: datetime | None = None
) -> Shipment:
    """Move a shipment (staff, or later a courier's tracking update) and let orders move
    the order to match."""
    note = clean_note(note)
    if to not in state.STAFF_MOVES:
        raise ValidationError(
            "A shipment can be marked "
            + ", ".join(sorted(str(Shipment.Status(m).label).lower() for m in state.STAFF_MOVES))
            + ".",
            details={"field": "status", "allowed": sorted(state.STAFF_MOVES)},
        )
    actor = current_actor()
    when = at or timezone.now()
    with transaction.atomic():
        locked = lifecycle.lock(order.pk)
        shipment = (
            Shipment.objects.select_for_update()
            .select_related("courier")
            .filter(pk=shipment_id, order=locked)
            .first()
        )
        if shipment is None:
            raise NotFound(
                f"Order {locked.number} has no shipment {shipment_id}.",
                code=FulfilmentError.SHIPMENT_NOT_FOUND,
            )
        before = shipment.status
        if not state.can_transition(before, to):
            allowed = [a for a in state.allowed(before) if a in state.STAFF_MOVES]
            then = ", ".join(str(SS(a).label).lower() for a in allowed) or "nothing: it is final"
            raise Conflict(
                f"This shipment is {SS(before).label.lower()}; it cannot become "
                f"{SS(to).label.lower()}. It can become: {then}.",
                code=FulfilmentError.ILLEGAL_SHIPMENT_TRANSITION,
                details={"from": before, "to": to, "allowed": allowed},
            )
        shipment.status = to
        fields = ["status", "updated_at"]
        if to == SS.SHIPPED:
            shipment.shipped_at = when
            fields.append("shipped_at")
        if to == SS.DELIVERED:
            shipment.delivered_at = when
            fields.append("delivered_at")
        shipment.save(update_fields=fields)
        ShipmentEvent.objects.create(
            shipment=shipment,
            from_status=before,
            to_status=to,
            note=note,
            actor_label=actor.label[:255],
        )
        if to == SS.OUT_FOR_DELIVERY:
            emit(ShipmentOutForDelivery(**_facts(locked, shipment)), aggregate=locked)
        elif to == SS.DELIVERED:
            emit(
                ShipmentDelivered(**_facts(locked, shipment), delivered_at=when.isoformat()),
                aggregate=locked,
            )
        record_audit(
            action="shipment.status",
            obj=locked,
            changes={"awb": shipment.awb, "status": [before, to], "note": note},
        )
        lifecycle.shipments_changed(
            order=locked,
            units=units_of(locked),
            note=note or f"{shipment.courier.name} {shipment.awb}: {SS(to).label.lower()}",
        )
    order.status = locked.status
    return shipment


def order_cancelled(order: Order) -> None:
    """Called by orders in the transaction that cancels `order` (only possible before
    anything left the warehouse): its shipments not handed over are cancelled too, so
    their AWBs and units are free again."""
    actor = current_actor()
    pending = list(Shipment.objects.select_for_update().filter(order=order, status=SS.CREATED))
    for shipment in pending:
        shipment.status = SS.CANCELLED
        shipment.save(update_fields=["status", "updated_at"])
        ShipmentEvent.objects.create(
            shipment=shipment,
            from_status=SS.CREATED,
            to_status=SS.CANCELLED,
            note="Order cancelled",
            actor_label=actor.label[:255],
        )
