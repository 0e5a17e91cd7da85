"""Admin API for currencies and the audit log."""

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from haat.accounts.roles import Perm
from haat.api.auth import StaffAuth, require
from haat.api.pagination import Paginated
from haat.core import currencies
from haat.core.selectors import audit_entries

admin_router = Router(auth=StaffAuth, tags=["admin: currencies & audit"])


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


@admin_router.get("currencies", response=list[CurrencyOut], summary="List currencies")
@paginate(Paginated)
def list_currencies(request: HttpRequest, filters: Query[CurrencyFilter], **kwargs: Any):
    """ISO 4217 currencies with their decimal places; filter `enabled=true` for the ones the store
    prices in, `q` to search by code or name."""
    require(request, Perm.CATALOG_VIEW)
    return currencies.list_currencies(enabled=filters.enabled, q=filters.q)


@admin_router.patch("currencies/{code}", response=CurrencyOut, summary="Change a currency")
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


@admin_router.get("audit-log", response=list[AuditEntryOut], summary="Read the audit log")
@paginate(Paginated)
def list_audit_log(request: HttpRequest, filters: Query[AuditFilter], **kwargs: Any):
    """Staff writes, newest first: who, what, which object, which fields changed (old → new), from
    which IP. Filter by actor, action, object and date range."""
    require(request, Perm.AUDIT_VIEW)
    return audit_entries(**filters.model_dump())
