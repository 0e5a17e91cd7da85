"""Request and response shapes of the shipping API. Requests are strict (unknown keys and
type coercion are 422 errors naming the field); amounts are integers in minor units."""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

from pydantic import Field, StringConstraints

from haat.catalog.schemas import Out, StrictIn
from haat.core.schemas import Id, MoneyOut

Amount = Annotated[int, Field(ge=0, le=10**12, description="minor units")]
Name = Annotated[str, StringConstraints(min_length=1, max_length=120)]
Country = Annotated[str, StringConstraints(pattern=r"^[A-Za-z]{2}$")]
Prefix = Annotated[str, StringConstraints(pattern=r"^[1-9][0-9]{0,5}$")]
State = Annotated[str, StringConstraints(min_length=1, max_length=100)]
Cutoff = Annotated[
    str, StringConstraints(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$"), Field(examples=["14:00"])
]
Service = Literal["standard", "express"]
Days = Annotated[int, Field(ge=0, le=90)]


class ShippingZoneFields(StrictIn):
    countries: Annotated[list[Country], Field(max_length=200)] | None = Field(
        None,
        description="ISO country codes; a zone with no countries, states or prefixes "
        "matches every address no other zone does",
    )
    states: Annotated[list[State], Field(max_length=200)] | None = Field(
        None, description="Indian states or union territories (name or ISO code)"
    )
    pin_prefixes: Annotated[list[Prefix], Field(max_length=1000)] | None = Field(
        None, description='leading digits of Indian PIN codes, e.g. "302"'
    )
    priority: Annotated[int, Field(ge=0, le=10_000)] | None = Field(
        None, description="between equally specific zones, the lower number wins"
    )
    cod_allowed: bool | None = None
    cutoff_time: Cutoff | None = Field(
        None, description="orders after this time (store time zone) leave the next business day"
    )
    business_days_only: bool | None = Field(
        None, description="count delivery days Monday to Saturday only"
    )
    is_active: bool | None = None


class ShippingZoneIn(ShippingZoneFields):
    name: Name


class ShippingZonePatch(ShippingZoneFields):
    name: Name | None = None


class WeightSlabIn(StrictIn):
    max_grams: Annotated[int, Field(ge=1, le=10**8)]
    amount: Amount


class ShippingRateIn(StrictIn):
    nullable: ClassVar[frozenset[str]] = frozenset({"free_above", "min_order", "max_order"})
    amount: Amount = Field(0, description="the price when there are no weight slabs")
    slabs: Annotated[list[WeightSlabIn], Field(max_length=50)] = Field(
        default_factory=list,
        description="weight bands: the lightest band that holds the parcel sets the price; "
        "heavier than every band, the rate is not offered",
    )
    free_above: Amount | None = Field(None, description="orders worth at least this ship free")
    min_order: Amount | None = None
    max_order: Amount | None = None
    days_min: Days = 3
    days_max: Days = 5
    is_active: bool = True


class WeightSlabOut(Out):
    max_grams: int
    price: MoneyOut


class ShippingRateOut(Out):
    id: int
    service: str
    service_label: str
    currency: str
    price: MoneyOut
    slabs: list[WeightSlabOut]
    free_above: MoneyOut | None
    min_order: MoneyOut | None
    max_order: MoneyOut | None
    days_min: int
    days_max: int
    is_active: bool
    summary: str = Field(description='in words, e.g. "₹60.00, free above ₹999.00, 3–5 days"')


class ShippingZoneOut(Out):
    id: int
    name: str
    countries: list[str]
    states: list[str]
    pin_prefixes: list[str]
    priority: int
    cod_allowed: bool
    cutoff_time: str
    business_days_only: bool
    is_active: bool
    rates: list[ShippingRateOut]


class ServiceablePinOut(Out):
    pin: str
    prepaid: bool
    cod: bool
    city: str
    state: str


class PinImportOut(Out):
    added: int
    updated: int
    removed: int
    unchanged: int


class ShiprocketIn(StrictIn):
    nullable: ClassVar[frozenset[str]] = frozenset({"password"})
    email: Annotated[str, StringConstraints(max_length=254)] = ""
    password: Annotated[str, StringConstraints(max_length=200)] | None = Field(
        None, description="omit or null to keep the stored password; never returned"
    )
    pickup_postcode: Annotated[str, StringConstraints(max_length=6)] = ""
    is_enabled: bool = False


class ShiprocketOut(Out):
    email: str
    has_password: bool
    pickup_postcode: str
    is_enabled: bool
    token_valid_until: str | None


class ShiprocketTestOut(ShiprocketOut):
    connected: bool = Field(description="Shiprocket accepted the API user just now")
    message: str = Field(description="Shiprocket's answer in words")


class ShippingQuoteLineIn(StrictIn):
    variant_id: Id
    quantity: Annotated[int, Field(ge=1, le=1000)]


class ShippingQuoteIn(StrictIn):
    currency: Annotated[str, StringConstraints(pattern=r"^[A-Za-z]{3}$")]
    country: Country
    state: Annotated[str, StringConstraints(max_length=100)] = ""
    postal_code: Annotated[str, StringConstraints(max_length=20)] = ""
    lines: Annotated[list[ShippingQuoteLineIn], Field(min_length=1, max_length=100)]


class ShippingOptionOut(Out):
    service: str
    label: str
    price: MoneyOut
    free: bool
    cod_allowed: bool
    days_min: int
    days_max: int
    estimated_delivery_earliest: str = Field(description="YYYY-MM-DD")
    estimated_delivery_latest: str = Field(description="YYYY-MM-DD")
    delivery_text: str = Field(description='e.g. "Delivery in 3–5 days (by Fri 11 Dec)"')


class ShippingQuoteOut(Out):
    zone: str
    cod_allowed: bool
    weight_grams: int
    order_value: MoneyOut
    options: list[ShippingOptionOut] = Field(description="cheapest first")
