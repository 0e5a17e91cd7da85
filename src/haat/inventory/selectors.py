"""Stock reads for the storefront, admin API and dashboard. Aggregates run in SQL and
list reads cost a fixed number of queries whatever the page size."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.urls import reverse

from haat.catalog.editor_stock import LocationStock, VariantStock
from haat.catalog.models import Product, Variant
from haat.catalog.stock_state import StockState
from haat.core import sql
from haat.inventory import owners
from haat.inventory.alerts import default_threshold
from haat.inventory.models import (
    BackorderPolicy,
    LowStockThreshold,
    StockHold,
    StockLevel,
    StockMovement,
)
from haat.inventory.sql import BackorderOffer, available_units, available_units_annotation
from haat.inventory.stock_states import compute_state, variant_states

ACTIVE_LEVELS = Q(location__is_active=True)


def available_by_variant(variant_ids: list[int]) -> dict[int, int]:
    """Units that can still be held, per variant, over active locations. One query."""
    return available_units(variant_ids)


@dataclass(frozen=True)
class Availability:
    """A variant's stock state (`inventory.stock_states`) with its id."""

    variant_id: int
    state: StockState

    @property
    def status(self) -> str:
        return self.state.status

    @property
    def message(self) -> str:
        return self.state.message

    @property
    def available(self) -> int:
        return self.state.available

    @property
    def max_quantity(self) -> int:
        return self.state.max_quantity

    @property
    def purchasable(self) -> bool:
        return self.state.purchasable

    def as_dict(self) -> dict[str, Any]:
        s = self.state
        return {
            "variant_id": self.variant_id,
            "status": s.status,
            "message": s.message,
            "available": s.available,
            "max_quantity": s.max_quantity,
            "ships_on": s.ships_on,
            "ships_in_days": s.ships_in_days,
            "purchasable": s.purchasable,
        }


def availability_status(variant_ids: list[int]) -> dict[int, Availability]:
    """What the storefront shows per variant. Unknown ids are left out. One query."""
    return {
        pk: Availability(pk, state)
        for pk, (_, state) in variant_states(variant_ids=list(variant_ids)).items()
    }


def describe_availability(
    *, variant_id: int, sellable: bool, kind: str, available: int, offer: BackorderOffer | None
) -> Availability:
    """The storefront's words for a variant read elsewhere (a cart's line): `sellable`
    (variant and product active), the product's availability tag `kind`, the units
    `available` over active locations and its backorder `offer`."""
    return Availability(
        variant_id,
        compute_state(
            sellable=sellable,
            on_hold=kind == Product.Availability.UNAVAILABLE,
            available=available,
            offer=offer,
        ),
    )


# --- merchant overview ------------------------------------------------------------------
def level_out(level: StockLevel) -> dict[str, Any]:
    loc = level.location
    return {
        "location_id": loc.pk,
        "location_code": loc.code,
        "location_name": loc.name,
        "location_active": loc.is_active,
        "on_hand": level.on_hand,
        "reserved": level.reserved,
        "available": level.available,
    }


def stock_state(available: int, threshold: int) -> str:
    return "out" if available <= 0 else "low" if available <= threshold else "in_stock"


def stock_item(v: Variant) -> dict[str, Any]:
    return {
        "variant_id": v.pk,
        "sku": v.sku,
        "product_id": v.product_id,
        "product_title": v.product.title,
        "variant_title": v.title,
        "is_active": v.is_active,
        "on_hand": v.on_hand_total,
        "reserved": v.reserved_total,
        "available": v.available_total,
        "threshold": v.threshold,
        "state": stock_state(v.available_total, v.threshold),
        "sells_beyond": getattr(v, "beyond_mode", None) or "",
        "locations": [level_out(lvl) for lvl in v.stock_levels.all()],
    }


def _level_sum(field: str, location_id: int | None) -> Coalesce:
    levels = StockLevel.objects.filter(ACTIVE_LEVELS, variant=OuterRef("pk"))
    if location_id:
        levels = levels.filter(location_id=location_id)
    total = levels.values("variant").order_by().annotate(t=Sum(field)).values("t")
    return Coalesce(Subquery(total, output_field=IntegerField()), Value(0))


def stock_queryset(
    *,
    q: str = "",
    location_id: int | None = None,
    category_id: int | None = None,
    state: str = "",
) -> QuerySet[Variant]:
    """Variants with on_hand/reserved/available totals, threshold and levels prefetched."""
    threshold = LowStockThreshold.objects.filter(variant=OuterRef("pk")).values("threshold")
    qs = (
        Variant.objects.select_related("product")
        .annotate(
            on_hand_total=_level_sum("on_hand", location_id),
            reserved_total=_level_sum("reserved", location_id),
            available_total=available_units_annotation(
                f"{sql.table(Variant)}.{sql.column(Variant, 'id')}", location_id=location_id
            ),
            threshold=Coalesce(Subquery(threshold[:1]), Value(default_threshold())),
            # Sold beyond stock (pre-order / backorder): shown instead of "Out".
            beyond_mode=Subquery(
                BackorderPolicy.objects.filter(variant=OuterRef("pk")).values("mode")[:1]
            ),
        )
        .prefetch_related(
            Prefetch(
                "stock_levels",
                queryset=StockLevel.objects.select_related("location").order_by(
                    "location__priority", "location_id"
                ),
            )
        )
        .order_by("product__title", "position", "id")
    )
    if q:
        qs = qs.filter(Q(sku__icontains=q) | Q(product__title__icontains=q))
    if location_id:
        qs = qs.filter(
            Exists(StockLevel.objects.filter(variant=OuterRef("pk"), location_id=location_id))
        )
    if category_id:
        qs = qs.filter(product_id__in=Product.objects.filter(categories=category_id).values("pk"))
    if state == "low":
        qs = qs.filter(available_total__gt=0, available_total__lte=F("threshold"))
    elif state == "out":
        qs = qs.filter(available_total__lte=0)
    return qs


def low_stock_queryset() -> QuerySet[Variant]:
    """Active variants of unarchived products at or below their threshold but not out."""
    return _sellable(stock_queryset(state="low"))


def out_of_stock_queryset() -> QuerySet[Variant]:
    return _sellable(stock_queryset(state="out"))


def _sellable(qs: QuerySet[Variant]) -> QuerySet[Variant]:
    return qs.filter(is_active=True).exclude(product__status=Product.Status.ARCHIVED)


def low_stock_count() -> int:
    """For the dashboard nav badge: variants that need restocking (low or out). Two
    aggregate queries."""
    return low_stock_queryset().count() + out_of_stock_queryset().count()


def home_figures(user: object) -> dict[str, int]:
    """The dashboard home's stock card: variants at or below their threshold, and out."""
    return {"low": low_stock_queryset().count(), "out": out_of_stock_queryset().count()}


def movements_queryset(variant_id: int) -> QuerySet[StockMovement]:
    return StockMovement.objects.filter(variant_id=variant_id).annotate(
        location_code=F("location__code"), location_name=F("location__name")
    )


def link_references(movements: list[StockMovement]) -> list[StockMovement]:
    """Set `reference_url` on ledger rows whose reference a context knows (an order
    number: its page; `inventory.owners`). One query per context that links."""
    links = owners.reference_links(m.reference for m in movements)
    for m in movements:
        m.reference_url = links.get(m.reference, "")
    return movements


def active_holds_queryset(*, variant_id: int | None = None) -> QuerySet[StockHold]:
    qs = StockHold.objects.filter(status=StockHold.Status.ACTIVE).annotate(
        location_code=F("location__code"), location_name=F("location__name"), sku=F("variant__sku")
    )
    if variant_id:
        qs = qs.filter(variant_id=variant_id)
    return qs.order_by("expires_at", "id")


def holds_in_words(*, variant_id: int, limit: int = 100) -> list[StockHold]:
    """A variant's active holds, soonest expiry first, each with `owner` in words ("order
    HT-10012" and its page, "a cart"; `inventory.owners`). One query, plus one per owner
    type that describes itself."""
    holds = list(active_holds_queryset(variant_id=variant_id)[:limit])
    described = owners.describe((h.owner_type, h.owner_id) for h in holds)
    for h in holds:
        h.owner = described[h.owner_type, h.owner_id]
    return holds


def holds_for_owner(*, owner_type: str, owner_id: str) -> list[StockHold]:
    """Every hold (any status) an owner placed, oldest first, location and variant joined.
    One query."""
    return list(
        StockHold.objects.filter(owner_type=owner_type, owner_id=str(owner_id))
        .select_related("location", "variant")
        .order_by("id")
    )


def movements_for_reference(reference: str, *, reason: str = "") -> list[StockMovement]:
    """Ledger rows written under `reference` (e.g. an order number), optionally of one
    reason, oldest first, location and variant joined. One query."""
    qs = StockMovement.objects.filter(reference=reference[:100])
    if reason:
        qs = qs.filter(reason=reason)
    return list(qs.select_related("location", "variant").order_by("id"))


def editor_variant_stock(variant_ids: Iterable[int]) -> dict[int, VariantStock]:
    """Stock per variant and location for the product editor's read-only panel
    (registered as `catalog.editor_stock.variant_stock`); two queries for any count."""
    return {
        item["variant_id"]: VariantStock(
            on_hand=item["on_hand"],
            reserved=item["reserved"],
            available=item["available"],
            locations=tuple(
                LocationStock(
                    location=lvl["location_name"],
                    on_hand=lvl["on_hand"],
                    reserved=lvl["reserved"],
                    available=lvl["available"],
                    active=lvl["location_active"],
                )
                for lvl in item["locations"]
            ),
            url=reverse("inventory:variant_stock", args=[item["variant_id"]]),
        )
        for item in map(stock_item, stock_queryset().filter(pk__in=list(variant_ids)))
    }
