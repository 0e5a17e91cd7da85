"""API shapes for couriers and shipments."""

from datetime import date, datetime
from typing import Literal

from ninja import Field, Schema

from haat.core.schemas import Id, Out


class CourierOut(Out):
    code: str
    name: str
    tracking_url: str = Field(description="Link template; {awb} is replaced by the AWB")
    awb_pattern: str = Field(description="Regular expression an AWB must match; empty = any")
    awb_hint: str
    built_in: bool


class CourierIn(Schema):
    code: str = Field(min_length=2, max_length=40, pattern=r"^[a-z0-9][a-z0-9-]+$")
    name: str = Field(min_length=1, max_length=100)
    tracking_url: str = Field("", max_length=300)
    awb_pattern: str = Field("", max_length=200)


class ShipmentLineIn(Schema):
    order_line_id: Id
    quantity: int = Field(ge=1, le=100000)


class ShipmentIn(Schema):
    courier: str = Field(min_length=1, max_length=40, description="Courier code, e.g. delhivery")
    awb: str = Field(min_length=1, max_length=40, description="Tracking number")
    lines: list[ShipmentLineIn] | None = Field(
        None, max_length=500, description="Units to ship; omitted = everything not yet shipped"
    )
    location_id: Id | None = Field(
        None, description="Ships from; default: where the order's stock was taken"
    )
    weight_grams: int | None = Field(None, ge=1, le=1000000)
    length_cm: int | None = Field(None, ge=1, le=10000)
    breadth_cm: int | None = Field(None, ge=1, le=10000)
    height_cm: int | None = Field(None, ge=1, le=10000)
    estimated_delivery: date | None = None


class ShipmentMoveIn(Schema):
    status: Literal["shipped", "out_for_delivery", "failed_attempt", "delivered", "rto"]
    note: str = Field("", max_length=500)


class ShipmentLineOut(Out):
    order_line_id: int
    sku: str
    quantity: int


class ShipmentOut(Out):
    id: int
    status: str = Field(
        description="created | shipped | out_for_delivery | failed_attempt | delivered | rto"
    )
    status_label: str
    courier: str
    courier_name: str
    awb: str
    tracking_url: str
    location: str | None
    weight_grams: int | None
    length_cm: int | None
    breadth_cm: int | None
    height_cm: int | None
    estimated_delivery: date | None
    shipped_at: datetime | None
    delivered_at: datetime | None
    created_at: datetime
    lines: list[ShipmentLineOut]
    order_status: str = Field(description="The order's status after this change")
