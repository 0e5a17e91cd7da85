"""Request and response shapes of the inventory API. Requests are strict: unknown keys,
`"5"` or `5.0` for a quantity, and nulls are 422 errors naming the field."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, ClassVar, Literal

from pydantic import Field, StringConstraints

from haat.catalog.schemas import Out, StockStateOut, StrictIn
from haat.core.schemas import Id, checked_range
from haat.inventory.backorders import MAX_CAP
from haat.inventory.ledger import MAX_QUANTITY
from haat.inventory.locations import MAX_PRIORITY
from haat.inventory.services import MAX_THRESHOLD

Code = Annotated[str, StringConstraints(min_length=1, max_length=40)]
Note = Annotated[str, StringConstraints(max_length=500)]
# Units in a stock write: `ledger.clean_quantity` refuses 0 and more than MAX_QUANTITY.
Quantity = Annotated[int, checked_range(1, MAX_QUANTITY)]
LocationKind = Literal["warehouse", "partner_shop"]
AdjustReason = Literal["adjustment", "customer_return", "rto", "write_off"]


class LocationIn(StrictIn):
    name: Annotated[str, StringConstraints(min_length=1, max_length=120)]
    code: Code
    kind: LocationKind = "warehouse"
    priority: Annotated[int, Field(ge=0, le=MAX_PRIORITY)] = 100
    is_active: bool = True


class LocationPatch(StrictIn):
    name: Annotated[str, StringConstraints(min_length=1, max_length=120)] | None = None
    code: Code | None = None
    kind: LocationKind | None = None
    priority: Annotated[int, Field(ge=0, le=MAX_PRIORITY)] | None = None
    is_active: bool | None = None


class LocationOut(Out):
    id: int
    name: str
    code: str
    kind: str
    priority: int
    is_active: bool


class LevelOut(Out):
    location_id: int
    location_code: str
    location_name: str
    location_active: bool
    on_hand: int
    reserved: int
    available: int


class StockItemOut(Out):
    variant_id: int
    sku: str
    product_id: int
    product_title: str
    variant_title: str
    is_active: bool
    on_hand: int
    reserved: int
    available: int
    threshold: int
    state: str = Field(description="in_stock | low | out")
    locations: list[LevelOut]


class ReceiveIn(StrictIn):
    variant_id: Id
    location_id: Id
    quantity: Quantity
    note: Note = ""
    reference: Annotated[str, StringConstraints(max_length=100)] = ""


class AdjustIn(StrictIn):
    variant_id: Id
    location_id: Id
    quantity: Annotated[int, checked_range(-MAX_QUANTITY, MAX_QUANTITY)] = Field(
        description="signed: +3 found, -2 damaged; never 0"
    )
    reason: AdjustReason
    note: Note = Field(description="required for reason=adjustment")


class TransferIn(StrictIn):
    variant_id: Id
    from_location_id: Id
    to_location_id: Id
    quantity: Quantity
    note: Note = ""


class BulkRowIn(StrictIn):
    sku: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    location: Code
    # Checked row by row by `bulk.set_counts` (the 422 per-row report), not here.
    on_hand: Annotated[int, checked_range(0, MAX_QUANTITY)]


class BulkIn(StrictIn):
    rows: Annotated[list[BulkRowIn], Field(min_length=1, max_length=5000)]
    note: Note = ""


class RowReportOut(Out):
    row: int
    sku: str
    location: str
    on_hand: int | None
    previous: int | None
    status: str = Field(description="updated | unchanged | error | pending (not applied)")
    message: str


class BulkReportOut(Out):
    applied: bool
    updated: int
    errors: int
    rows: list[RowReportOut]


class MovementOut(Out):
    id: int
    location_id: int
    location_code: str
    quantity: int
    reason: str
    note: str
    reference: str
    actor_label: str
    created_at: datetime


class HoldOut(Out):
    id: int
    variant_id: int
    sku: str
    location_id: int | None = Field(description="null: held beyond stock (pre-order/backorder)")
    location_code: str | None
    quantity: int
    owner_type: str
    owner_id: str
    expires_at: datetime
    created_at: datetime


class ThresholdIn(StrictIn):
    threshold: Annotated[int, Field(ge=0, le=MAX_THRESHOLD)] | None
    nullable: ClassVar[frozenset[str]] = frozenset({"threshold"})


class BackorderPolicyIn(StrictIn):
    mode: Literal["pre_order", "backorder"] = Field(
        description="pre_order (not released yet) or backorder (made to order, restocking)"
    )
    cap: Annotated[int, Field(ge=0, le=MAX_CAP)] = Field(
        description="units that may be sold beyond stock, in all (at least the units "
        "already sold beyond stock; set it to that number to stop selling more)"
    )
    ships_on: Annotated[date, Field(strict=False)] | None = Field(
        None, description="the promised date (YYYY-MM-DD, in the future); or ships_in_days"
    )
    ships_in_days: Annotated[int, Field(ge=1, le=365)] | None = Field(
        None, description="the promise as a lead time from the order's day; or ships_on"
    )
    nullable: ClassVar[frozenset[str]] = frozenset({"ships_on", "ships_in_days"})


class BackorderPolicyOut(Out):
    variant_id: int
    sku: str
    mode: str = Field(description="pre_order or backorder")
    cap: int
    committed: int = Field(description="units sold or held beyond stock and still open")
    left: int = Field(description="units that may still be sold beyond stock (cap - committed)")
    ships_on: date | None
    ships_in_days: int | None


class ThresholdOut(Out):
    variant_id: int
    threshold: int
    is_default: bool


class AvailabilityOut(StockStateOut):
    variant_id: int


class BackInStockIn(StrictIn):
    variant_id: Id
    email: Annotated[str, StringConstraints(max_length=254)] = ""
    phone: Annotated[str, StringConstraints(max_length=32)] = ""


class BackInStockOut(Out):
    subscribed: bool
    already_subscribed: bool
