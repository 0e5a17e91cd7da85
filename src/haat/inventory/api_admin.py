"""Admin inventory API (`/api/v1/admin/`): locations, stock overview, writes, ledger,
holds, thresholds, bulk counts, CSV import and the report. Reads need INVENTORY_VIEW,
writes INVENTORY_ADJUST; rules live in the services."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import File, Form, Query, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate
from pydantic import Field

from haat.accounts.roles import Perm
from haat.api.auth import require
from haat.api.pagination import Paginated
from haat.catalog.models import Variant
from haat.core.errors import NotFound, ValidationError
from haat.core.schemas import CSV_REPLY, MAX_ID, ErrorOut
from haat.inventory import backorders, bulk, locations, report, selectors, services
from haat.inventory.api import admin_router
from haat.inventory.models import BackorderPolicy, Location
from haat.inventory.schemas import (
    AdjustIn,
    BackorderPolicyIn,
    BackorderPolicyOut,
    BulkIn,
    BulkReportOut,
    HoldOut,
    LocationIn,
    LocationOut,
    LocationPatch,
    MovementOut,
    ReceiveIn,
    StockItemOut,
    ThresholdIn,
    ThresholdOut,
    TransferIn,
)

READ: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
WRITE: dict[int, Any] = {**READ, 409: ErrorOut}


class StockQuery(Schema):
    q: str = Field("", max_length=100, description="SKU or product title contains")
    location: int | None = Field(None, ge=1, le=MAX_ID, description="location id")
    category: int | None = Field(None, ge=1, le=MAX_ID, description="category id")
    state: str = Field("", pattern="^(|low|out)$", description="low | out")


class HoldQuery(Schema):
    variant_id: int | None = Field(None, ge=1, le=MAX_ID, description="only this variant's")


class ReportQuery(Schema):
    date: str = Field("", max_length=10, description="YYYY-MM-DD (store time zone); default today")


def _variant_or_404(variant_id: int) -> Variant:
    found = selectors.stock_queryset().filter(pk=variant_id).first()
    if found is None:
        raise NotFound(f"No variant with id {variant_id}.", details={"id": variant_id})
    return found


# --- locations --------------------------------------------------------------------------
@admin_router.get("locations", response={200: list[LocationOut], **READ})
@paginate(Paginated)
def location_list(request: HttpRequest) -> Any:
    """Stock locations (own warehouses and partner shops) in allocation order: lower priority
    numbers are allocated first."""
    require(request, Perm.INVENTORY_VIEW)
    return Location.objects.all()


@admin_router.post("locations", response={201: LocationOut, **WRITE})
def location_create(request: HttpRequest, payload: LocationIn) -> Any:
    """Add a stock location. `code` is unique; `priority` decides allocation order (lower first)."""
    require(request, Perm.INVENTORY_ADJUST)
    return Status(201, locations.create_location(**payload.model_dump()))


def _location(pk: int) -> Location:
    location = Location.objects.filter(pk=pk).first()
    if location is None:
        raise NotFound(f"No location with id {pk}.", details={"id": pk})
    return location


@admin_router.get("locations/{location_id}", response={200: LocationOut, **READ})
def location_detail(request: HttpRequest, location_id: int) -> Any:
    """One stock location."""
    require(request, Perm.INVENTORY_VIEW)
    return _location(location_id)


@admin_router.patch("locations/{location_id}", response={200: LocationOut, **WRITE})
def location_update(request: HttpRequest, location_id: int, payload: LocationPatch) -> Any:
    """Change a location's name, kind, priority or active flag. Inactive locations are skipped by
    allocation and availability."""
    require(request, Perm.INVENTORY_ADJUST)
    return locations.update_location(location=_location(location_id), **payload.changes())


@admin_router.delete("locations/{location_id}", response={204: None, **WRITE})
def location_delete(request: HttpRequest, location_id: int) -> Any:
    """Delete a location that has never held stock (409 otherwise; deactivate it instead)."""
    require(request, Perm.INVENTORY_ADJUST)
    locations.delete_location(location=_location(location_id))
    return Status(204, None)


# --- stock reads ------------------------------------------------------------------------
@admin_router.get("stock", response={200: list[StockItemOut], **READ})
@paginate(Paginated)
def stock_list(request: HttpRequest, filters: Query[StockQuery]) -> Any:
    """Stock per variant with totals and per-location levels; a fixed number of queries."""
    require(request, Perm.INVENTORY_VIEW)
    qs = selectors.stock_queryset(
        q=filters.q.strip(),
        location_id=filters.location,
        category_id=filters.category,
        state=filters.state,
    )
    return _Shaped(qs)


class _Shaped:
    """A lazily shaped queryset: the paginator slices, then each row becomes a dict."""

    def __init__(self, qs: Any) -> None:
        self.qs = qs

    def __len__(self) -> int:
        return self.qs.count()

    def __getitem__(self, item: slice) -> list[dict[str, Any]]:
        return [selectors.stock_item(v) for v in self.qs[item]]


@admin_router.get("variants/{variant_id}/stock", response={200: StockItemOut, **READ})
def variant_stock(request: HttpRequest, variant_id: int) -> Any:
    """On hand, reserved and available for one variant, per location and in total."""
    require(request, Perm.INVENTORY_VIEW)
    return selectors.stock_item(_variant_or_404(variant_id))


@admin_router.get("variants/{variant_id}/movements", response={200: list[MovementOut], **READ})
@paginate(Paginated)
def variant_movements(request: HttpRequest, variant_id: int) -> Any:
    """The ledger of one variant, newest first."""
    require(request, Perm.INVENTORY_VIEW)
    if not Variant.objects.filter(pk=variant_id).exists():
        raise NotFound(f"No variant with id {variant_id}.", details={"id": variant_id})
    return selectors.movements_queryset(variant_id)


@admin_router.get("holds", response={200: list[HoldOut], **READ})
@paginate(Paginated)
def hold_list(request: HttpRequest, filters: Query[HoldQuery]) -> Any:
    """Active checkout holds (reserved stock), soonest expiry first; optionally for one variant."""
    require(request, Perm.INVENTORY_VIEW)
    return selectors.active_holds_queryset(variant_id=filters.variant_id)


@admin_router.put(
    "variants/{variant_id}/low-stock-threshold", response={200: ThresholdOut, **WRITE}
)
def set_threshold(request: HttpRequest, variant_id: int, payload: ThresholdIn) -> Any:
    """A per-variant threshold; `null` returns the variant to the store default."""
    require(request, Perm.INVENTORY_ADJUST)
    value = services.set_low_stock_threshold(variant_id=variant_id, threshold=payload.threshold)
    return {"variant_id": variant_id, "threshold": value, "is_default": payload.threshold is None}


# --- selling beyond stock ----------------------------------------------------------------
def _policy_out(policy: BackorderPolicy) -> dict[str, Any]:
    return {
        "variant_id": policy.variant_id,
        "sku": policy.variant.sku,
        "mode": policy.mode,
        "cap": policy.cap,
        "committed": policy.committed,
        "left": policy.left,
        "ships_on": policy.ships_on,
        "ships_in_days": policy.ships_in_days,
    }


@admin_router.get(
    "variants/{variant_id}/backorder-policy", response={200: BackorderPolicyOut, **READ}
)
def get_backorder_policy(request: HttpRequest, variant_id: int) -> Any:
    """Whether (and how far) this variant may be sold beyond stock; 404 when it may not."""
    require(request, Perm.INVENTORY_VIEW)
    policy = BackorderPolicy.objects.select_related("variant").filter(variant_id=variant_id)
    found = policy.first()
    if found is None:
        raise NotFound("This variant is not sold beyond stock.", details={"variant_id": variant_id})
    return _policy_out(found)


@admin_router.put(
    "variants/{variant_id}/backorder-policy", response={200: BackorderPolicyOut, **WRITE}
)
def put_backorder_policy(request: HttpRequest, variant_id: int, payload: BackorderPolicyIn) -> Any:
    """Sell this variant beyond stock: pre-order or backorder, up to `cap` units in all,
    promising a date (`ships_on`) or a lead time (`ships_in_days`), exactly one of them.
    Shelf stock is always sold first. 422 `backorder_promise_invalid` (no promise, both,
    or a past date), 422 `backorder_cap_too_low` (below the units already sold beyond
    stock)."""
    require(request, Perm.INVENTORY_ADJUST)
    policy = backorders.set_policy(variant_id=variant_id, **payload.model_dump())
    return _policy_out(policy)


@admin_router.delete("variants/{variant_id}/backorder-policy", response={204: None, **WRITE})
def delete_backorder_policy(request: HttpRequest, variant_id: int) -> Any:
    """Stop selling beyond stock. 409 `backorder_in_use` while units sold beyond stock
    are open (lower the cap to that number instead)."""
    require(request, Perm.INVENTORY_ADJUST)
    backorders.remove_policy(variant_id=variant_id)
    return Status(204, None)


# --- stock writes -----------------------------------------------------------------------
@admin_router.post("stock/receive", response={200: StockItemOut, **WRITE})
def stock_receive(request: HttpRequest, payload: ReceiveIn) -> Any:
    """Receive units at a location (a `receipt` ledger row). Quantity is a whole number from 1."""
    require(request, Perm.INVENTORY_ADJUST)
    services.receive_stock(**payload.model_dump())
    return selectors.stock_item(_variant_or_404(payload.variant_id))


@admin_router.post("stock/adjust", response={200: StockItemOut, **WRITE})
def stock_adjust(request: HttpRequest, payload: AdjustIn) -> Any:
    """A signed correction with a reason; `adjustment` needs a note."""
    require(request, Perm.INVENTORY_ADJUST)
    services.adjust_stock(**payload.model_dump())
    return selectors.stock_item(_variant_or_404(payload.variant_id))


@admin_router.post("stock/transfer", response={200: StockItemOut, **WRITE})
def stock_transfer(request: HttpRequest, payload: TransferIn) -> Any:
    """Move units between two locations: both ledger legs are written in one transaction; more than
    is available at the source is refused with 409."""
    require(request, Perm.INVENTORY_ADJUST)
    services.transfer_stock(**payload.model_dump())
    return selectors.stock_item(_variant_or_404(payload.variant_id))


def _report_out(result: bulk.BulkReport) -> dict[str, Any]:
    return {
        "applied": result.applied,
        "updated": result.updated,
        "errors": len(result.errors),
        "rows": [r.__dict__ for r in result.rows],
    }


@admin_router.post(
    "stock/bulk", response={**WRITE, 200: BulkReportOut, 422: BulkReportOut | ErrorOut}
)
def stock_bulk(request: HttpRequest, payload: BulkIn) -> Any:
    """Set absolute counts (`sku`, `location` code, `on_hand`). All rows are validated
    first; any bad row means nothing changes (422 with the per-row report)."""
    require(request, Perm.INVENTORY_ADJUST)
    result = bulk.set_counts(rows=[r.model_dump() for r in payload.rows], note=payload.note)
    return Status(200 if result.applied else 422, _report_out(result))


@admin_router.post(
    "stock/import", response={**WRITE, 200: BulkReportOut, 422: BulkReportOut | ErrorOut}
)
def stock_import(request: HttpRequest, file: File[UploadedFile], note: Form[str] = "") -> Any:
    """CSV with the header `sku,location,on_hand` (absolute counts, location by code); a
    blank `on_hand` leaves that row's stock as it is. Validated first; any bad row means
    nothing changes (422 with the per-row report)."""
    require(request, Perm.INVENTORY_ADJUST)
    if file.size and file.size > 5 * 1024 * 1024:
        raise ValidationError("The file is larger than 5 MB.", details={"field": "file"})
    result = bulk.import_csv(file=file, note=note)
    return Status(200 if result.applied else 422, _report_out(result))


@admin_router.get("stock/report.csv", response={200: None, **READ}, openapi_extra=CSV_REPLY)
def stock_report(request: HttpRequest, query: Query[ReportQuery]) -> HttpResponse:
    """On hand and value at cost per variant and location at the end of `date`; reserved
    and available only for today (past reports leave those columns out)."""
    require(request, Perm.INVENTORY_VIEW)
    day = report.parse_report_date(query.date)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="inventory-{day.isoformat()}.csv"'
    report.write_report(out=response, day=day)
    return response
