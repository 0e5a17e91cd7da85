"""Admin API for the store's details, currencies and the audit log."""

from dataclasses import asdict
from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from haat.accounts.roles import Perm
from haat.api.auth import StaffAuth, require
from haat.api.pagination import Paginated
from haat.core import currencies, store
from haat.core.schemas import errors
from haat.core.selectors import audit_entries

admin_router = Router(auth=StaffAuth, tags=["admin: store, currencies & audit"])


# --- currencies ---------------------------------------------------------------------------
class CurrencyOut(Schema):
    code: str
    name: str
    symbol: str
    decimal_places: int
    enabled: bool
    is_default: bool
    display_order: int


class CurrencyFilter(Schema):
    enabled: bool | None = Field(None, description="only enabled (true) or disabled (false)")
    q: str = Field("", max_length=100, description="part of the code or name")


class CurrencyPatch(Schema):
    enabled: bool | None = None
    is_default: bool | None = Field(
        None, description="true makes this (enabled) currency the default"
    )
    display_order: int | None = Field(None, ge=0, le=currencies.MAX_DISPLAY_ORDER)


@admin_router.get(
    "currencies",
    response={200: list[CurrencyOut], **errors(401, 403, 422)},
    summary="List currencies",
)
@paginate(Paginated)
def list_currencies(request: HttpRequest, filters: Query[CurrencyFilter], **kwargs: Any):
    """ISO 4217 currencies with their decimal places; filter `enabled=true` for the ones the store
    prices in, `q` to search by code or name."""
    require(request, Perm.CATALOG_VIEW)
    return currencies.list_currencies(enabled=filters.enabled, q=filters.q)


@admin_router.patch(
    "currencies/{code}",
    response={200: CurrencyOut, **errors(401, 403, 404, 409, 422)},
    summary="Change a currency",
)
def update_currency(request: HttpRequest, code: str, payload: CurrencyPatch):
    """Enable or disable a currency, make it the default, or change its display order. The default
    currency cannot be disabled (409 `currency_is_default`)."""
    require(request, Perm.CURRENCIES_MANAGE)
    return currencies.update_currency(code=code, **payload.model_dump(exclude_unset=True))


# --- audit log ----------------------------------------------------------------------------
class AuditEntryOut(Schema):
    id: int
    created_at: datetime
    actor_id: int | None
    actor_label: str
    action: str
    object_type: str
    object_id: str
    object_repr: str
    changes: dict[str, Any]
    ip_address: str | None


class AuditFilter(Schema):
    actor: str = Field("", max_length=255, description="user id, or part of the actor label")
    action: str = Field("", max_length=64)
    object_type: str = Field("", max_length=64, description="e.g. catalog.product")
    object_id: str = Field("", max_length=64)
    date_from: date | None = Field(None, description="inclusive, store time zone")
    date_to: date | None = Field(None, description="inclusive, store time zone")


@admin_router.get(
    "audit-log",
    response={200: list[AuditEntryOut], **errors(401, 403, 422)},
    summary="Read the audit log",
)
@paginate(Paginated)
def list_audit_log(request: HttpRequest, filters: Query[AuditFilter], **kwargs: Any):
    """Staff writes, newest first: who, what, which object, which fields changed (old → new), from
    which IP. Filter by actor, action, object and date range."""
    require(request, Perm.AUDIT_VIEW)
    return audit_entries(**filters.model_dump())


# --- store details ------------------------------------------------------------------------
class StoreOut(Schema):
    name: str
    legal_name: str
    logo_url: str = Field(description="absolute path of the logo under /media/, or empty")
    address_line1: str
    address_line2: str
    city: str
    state: str = Field(description="for an Indian store, the state's name")
    postal_code: str
    country: str = Field(description="ISO 3166-1 alpha-2 code")
    gstin: str
    support_email: str
    support_phone: str
    time_zone: str = Field(description="IANA time zone, e.g. Asia/Kolkata")


class StoreIn(Schema):
    name: str = Field(max_length=100)
    legal_name: str = Field("", max_length=200)
    address_line1: str = Field("", max_length=200)
    address_line2: str = Field("", max_length=200)
    city: str = Field("", max_length=100)
    state: str = Field("", max_length=100, description="name or ISO code (MH) of an Indian state")
    postal_code: str = Field("", max_length=20)
    country: str = Field("IN", min_length=2, max_length=2)
    gstin: str = Field("", max_length=15, description="checked: format, checksum, state code")
    support_email: str = Field("", max_length=254)
    support_phone: str = Field("", max_length=20)
    time_zone: str = Field("Asia/Kolkata", max_length=64)


def _store_out() -> dict[str, Any]:
    return asdict(store.store())


@admin_router.get(
    "store", response={200: StoreOut, **errors(401, 403)}, summary="Read the store's details"
)
def get_store(request: HttpRequest):
    """The store's name, legal name, logo, address, GSTIN, support contacts and time zone, as the
    dashboard, the pay page and invoices show them."""
    require(request, Perm.STORE_MANAGE)
    return _store_out()


@admin_router.put(
    "store",
    response={200: StoreOut, **errors(401, 403, 422)},
    summary="Replace the store's details",
)
def put_store(request: HttpRequest, payload: StoreIn):
    """Every field at once (a field left out is cleared). The GSTIN is checked for its format,
    check character and that its state code matches `state`. The logo is uploaded on the
    dashboard's Store details page."""
    require(request, Perm.STORE_MANAGE)
    store.update_store(data=payload.model_dump())
    return _store_out()
