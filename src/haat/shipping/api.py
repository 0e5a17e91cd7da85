"""Shipping API: the storefront's quote (`store_router`, publishable key) and the staff's
zones, rates, serviceable PIN codes and Shiprocket connection (`admin_router`). Reads need
ORDERS_VIEW, writes SHIPPING_MANAGE; rules live in the services."""

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from ninja import File, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate
from pydantic import Field

from haat.accounts.roles import Perm
from haat.api.auth import StaffAuth, StorefrontAuth, require
from haat.api.pagination import Paginated
from haat.catalog.models import Product, Variant, VariantPrice
from haat.catalog.store_selectors import store_currency
from haat.core.errors import NotFound, ValidationError, field_path
from haat.core.schemas import ErrorOut
from haat.shipping import pins, quote, selectors, services, shiprocket
from haat.shipping.models import Rate, ServiceablePin, Zone
from haat.shipping.schemas import (
    PinImportOut,
    ServiceablePinOut,
    ShippingQuoteIn,
    ShippingQuoteOut,
    ShippingRateIn,
    ShippingRateOut,
    ShippingZoneIn,
    ShippingZoneOut,
    ShippingZonePatch,
    ShiprocketIn,
    ShiprocketOut,
    ShiprocketTestOut,
)

store_router = Router(auth=StorefrontAuth, tags=["store: shipping"])
admin_router = Router(auth=StaffAuth, tags=["admin: shipping"])

READ: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


# --- storefront --------------------------------------------------------------------------
@store_router.post("shipping/quote", response={200: ShippingQuoteOut, 401: ErrorOut, 422: ErrorOut})
def shipping_quote(request: HttpRequest, payload: ShippingQuoteIn) -> Any:
    """Shipping options for a cart's lines to an address, cheapest first: price (free above
    the zone's threshold), whether cash on delivery is offered, and the estimated delivery
    dates. An Indian PIN code no courier reaches is 422 `unserviceable_pin`; an address,
    weight or order value no rate covers is 422 `no_shipping_option`."""
    currency = store_currency(payload.currency.upper()).code
    to = quote.clean_destination(
        country=payload.country, state=payload.state, postal_code=payload.postal_code
    )
    wanted = {line.variant_id: 0 for line in payload.lines}
    for line in payload.lines:
        wanted[line.variant_id] += line.quantity
    weights = dict(
        Variant.objects.filter(
            pk__in=wanted, is_active=True, product__status=Product.Status.ACTIVE
        ).values_list("pk", "weight_grams")
    )
    prices = dict(
        VariantPrice.objects.filter(variant_id__in=wanted, currency_id=currency).values_list(
            "variant_id", "amount"
        )
    )
    for index, line in enumerate(payload.lines):
        if line.variant_id not in weights or line.variant_id not in prices:
            raise ValidationError(
                f"Variant {line.variant_id} is not on sale in {currency}.",
                details={"field": field_path(("lines", index, "variant_id"))},
            )
    weight = quote.parcel_weight((weights[v], q) for v, q in wanted.items())
    value = sum(prices[v] * q for v, q in wanted.items())
    found = quote.quote(
        to=to, currency=currency, parcel=quote.Parcel(weight_grams=weight, order_value=value)
    )
    return selectors.quote_json(found, weight_grams=weight, order_value=value, currency=currency)


# --- zones and rates ---------------------------------------------------------------------
def _zone(zone_id: int) -> Zone:
    found = selectors.zones().filter(pk=zone_id).first()
    if found is None:
        raise NotFound(f"No shipping zone with id {zone_id}.", details={"id": zone_id})
    return found


@admin_router.get("shipping/zones", response={200: list[ShippingZoneOut], **READ})
@paginate(Paginated)
def zone_list(request: HttpRequest) -> Any:
    """Shipping zones in priority order, each with its rates per currency and service."""
    require(request, Perm.ORDERS_VIEW)
    return _Shaped(selectors.zones(), selectors.zone_json)


class _Shaped:
    """A queryset the paginator slices, shaped row by row after slicing."""

    def __init__(self, qs: Any, shape: Callable[[Any], dict[str, Any]]) -> None:
        self.qs, self.shape = qs, shape

    def __len__(self) -> int:
        return self.qs.count()

    def __getitem__(self, key: slice) -> list[dict[str, Any]]:
        return [self.shape(row) for row in self.qs[key]]


@admin_router.post("shipping/zones", response={201: ShippingZoneOut, **READ})
def zone_create(request: HttpRequest, payload: ShippingZoneIn) -> Any:
    """Add a zone: where it applies (countries, Indian states, PIN prefixes; none of them:
    everywhere else), whether cash on delivery is offered, the dispatch cut-off time."""
    require(request, Perm.SHIPPING_MANAGE)
    zone = services.create_zone(**payload.model_dump(exclude_none=True))
    return Status(201, selectors.zone_json(_zone(zone.pk)))


@admin_router.get("shipping/zones/{zone_id}", response={200: ShippingZoneOut, **READ})
def zone_detail(request: HttpRequest, zone_id: int) -> Any:
    """One zone with its rates."""
    require(request, Perm.ORDERS_VIEW)
    return selectors.zone_json(_zone(zone_id))


@admin_router.patch("shipping/zones/{zone_id}", response={200: ShippingZoneOut, **READ})
def zone_update(request: HttpRequest, zone_id: int, payload: ShippingZonePatch) -> Any:
    """Change a zone; only the fields sent change."""
    require(request, Perm.SHIPPING_MANAGE)
    services.update_zone(zone=_zone(zone_id), **payload.changes())
    return selectors.zone_json(_zone(zone_id))


@admin_router.delete("shipping/zones/{zone_id}", response={204: None, **READ})
def zone_delete(request: HttpRequest, zone_id: int) -> Any:
    """Delete a zone and its rates (orders keep the shipping they were sold with)."""
    require(request, Perm.SHIPPING_MANAGE)
    services.delete_zone(zone=_zone(zone_id))
    return Status(204, None)


@admin_router.put(
    "shipping/zones/{zone_id}/rates/{currency}/{service}", response={200: ShippingRateOut, **READ}
)
def rate_set(
    request: HttpRequest, zone_id: int, currency: str, service: str, payload: ShippingRateIn
) -> Any:
    """Set the zone's rate for a service (`standard` or `express`) in an enabled currency:
    a flat `amount` or weight `slabs`, free above `free_above`, offered for order values
    within `min_order`..`max_order`, delivered in `days_min` to `days_max` days. Replaces the
    rate and its slabs."""
    require(request, Perm.SHIPPING_MANAGE)
    data = payload.model_dump()
    slabs = data.pop("slabs")
    rate = services.set_rate(
        zone=_zone(zone_id), currency=currency.upper(), service=service, slabs=slabs, **data
    )
    return selectors.rate_json(Rate.objects.prefetch_related("slabs").get(pk=rate.pk))


@admin_router.delete(
    "shipping/zones/{zone_id}/rates/{currency}/{service}", response={204: None, **READ}
)
def rate_delete(request: HttpRequest, zone_id: int, currency: str, service: str) -> Any:
    """Remove the zone's rate for a service in a currency."""
    require(request, Perm.SHIPPING_MANAGE)
    zone = _zone(zone_id)  # 404 first: a zone id out of the column's range finds nothing
    found = Rate.objects.filter(zone=zone, currency_id=currency.upper()[:3], service=service)
    found = found.select_related("zone").first()
    if found is None:
        raise NotFound(
            f"Zone {zone_id} has no {service} rate in {currency.upper()}.",
            details={"id": zone_id},
        )
    services.delete_rate(rate=found)
    return Status(204, None)


# --- serviceable PIN codes ---------------------------------------------------------------
class PinQuery(Schema):
    q: str = Field("", pattern=r"^[0-9]{0,6}$", description="PIN codes starting with")


def _pin_json(pin: ServiceablePin) -> dict[str, Any]:
    return {"pin": pin.pin, "prepaid": pin.prepaid, "cod": pin.cod, "city": pin.city,
            "state": pin.state}  # fmt: skip


@admin_router.get("shipping/pins", response={200: list[ServiceablePinOut], **READ})
@paginate(Paginated)
def pin_list(request: HttpRequest, query: Query[PinQuery]) -> Any:
    """The merchant's serviceable PIN codes. When the list has rows, checkout refuses a PIN
    that is not on it (unless Shiprocket is configured and serves it)."""
    require(request, Perm.ORDERS_VIEW)
    return _Shaped(selectors.pins(query.q), _pin_json)


@admin_router.post("shipping/pins/import", response={200: PinImportOut, **READ})
def pin_import(request: HttpRequest, file: File[UploadedFile]) -> Any:
    """CSV with a `pin` column and any of `prepaid`, `cod` (yes/no), `city`, `state`,
    `remove` (yes takes the PIN off the list). All-or-nothing: any bad row is a 422 naming
    it (`details.rows` lists up to 100) and nothing changes. A blank cell keeps what is
    stored; a new PIN with blank flags is served prepaid and cash on delivery."""
    require(request, Perm.SHIPPING_MANAGE)
    result = pins.import_csv(file=file)
    return result.__dict__


@admin_router.delete("shipping/pins/{pin}", response={204: None, **READ})
def pin_delete(request: HttpRequest, pin: str) -> Any:
    """Take one PIN code off the list."""
    require(request, Perm.SHIPPING_MANAGE)
    found = ServiceablePin.objects.filter(pin=pin).first()
    if found is None:
        raise NotFound(f"PIN code {pin} is not on the list.", details={"pin": pin})
    pins.delete_pin(pin=found)
    return Status(204, None)


# --- Shiprocket --------------------------------------------------------------------------
@admin_router.get("shipping/shiprocket", response={200: ShiprocketOut, **READ})
def shiprocket_get(request: HttpRequest) -> Any:
    """The Shiprocket API user (the password is never returned)."""
    require(request, Perm.SHIPPING_MANAGE)
    return selectors.shiprocket_json()


@admin_router.put("shipping/shiprocket", response={200: ShiprocketOut, **READ})
def shiprocket_put(request: HttpRequest, payload: ShiprocketIn) -> Any:
    """Set the Shiprocket API user (a separate API user, not the panel login) and the
    pickup PIN code. When enabled, PIN codes not on the merchant's list are checked with
    Shiprocket's courier serviceability API."""
    require(request, Perm.SHIPPING_MANAGE)
    shiprocket.save_account(**payload.model_dump())
    return selectors.shiprocket_json()


@admin_router.post("shipping/shiprocket/test", response={200: ShiprocketTestOut, **READ})
def shiprocket_test(request: HttpRequest) -> Any:
    """Log in to Shiprocket with the stored API user now: `connected` says whether it
    worked, `message` gives Shiprocket's reason when it refused or did not answer (422
    when no API user is stored)."""
    require(request, Perm.SHIPPING_MANAGE)
    try:
        shiprocket.test_connection()
    except shiprocket.ShiprocketFailed as exc:
        return {**selectors.shiprocket_json(), "connected": False, "message": exc.message}
    ok = "Shiprocket accepted the API user."
    return {**selectors.shiprocket_json(), "connected": True, "message": ok}
