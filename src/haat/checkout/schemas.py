"""Request bodies and replies of the cart and checkout API. Quantities and ids are strict
integers: `1.5`, `"2"` and `true` are refused with a 422 naming the field, never coerced.
The checkout bodies are also the typed, frozen inputs of `checkout.services`.

Plain pydantic models: ninja's `Schema` adds a validator that reads ORM objects, which
request bodies never are, and it runs once per nested object on the checkout path."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from ninja import Schema
from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt

from haat.catalog.schemas import StockStateOut
from haat.checkout.models import MAX_LINE_QUANTITY
from haat.core.money import MAX_MINOR_UNITS
from haat.core.schemas import MAX_ID, ErrorBody, MoneyOut, Out, checked_range
from haat.orders.schemas import OrderOut
from haat.payments.schemas import PaymentOptionsOut, PaymentOut
from haat.tax.schemas import TaxOut

# Checked by the services with their own codes (`carts.clean_quantity`: invalid_quantity;
# an unknown variant: unknown_variant); the schema shows the same bounds.
VariantId = Annotated[StrictInt, checked_range(1, MAX_ID)]
LineQuantity = Annotated[StrictInt, checked_range(1, MAX_LINE_QUANTITY)]


class In(BaseModel):
    """Base of request bodies: frozen, as they are the services' inputs."""

    model_config = ConfigDict(frozen=True)


class LineIn(In):
    variant_id: VariantId
    quantity: LineQuantity


class CartCreateIn(In):
    currency: str | None = None
    # "Buy now": the cart is created with these lines (all of them or nothing).
    lines: list[LineIn] = []


class CartPatchIn(In):
    currency: str


class LinePatchIn(In):
    quantity: LineQuantity


class AddressIn(In):
    name: str
    phone: str = ""
    line1: str
    line2: str = ""
    city: str
    state: str = ""
    postal_code: str = ""
    country: str = "IN"


class CheckoutIn(In):
    email: str
    phone: str
    name: str = ""
    shipping_address: AddressIn
    billing_address: AddressIn | None = None
    payment_type: str  # prepaid | cod | partial_cod | reserve_and_pay
    express_sourcing: StrictBool = False
    return_url: str = ""  # where the gateway sends the customer back (default: pay page)
    # A service of the store's shipping options for the address ("standard", "express");
    # empty: the cheapest. Ignored while the store has set up no shipping zones.
    shipping_service: str = Field("", max_length=16)


class BuyNowLineIn(In):
    variant_id: VariantId
    quantity: LineQuantity
    # The unit price (minor units, in the order's currency) the shopper was shown; when
    # the live price differs the order is refused with 409 `price_changed`.
    expected_unit_amount: (
        Annotated[StrictInt, Field(le=MAX_MINOR_UNITS), checked_range(0, MAX_MINOR_UNITS)] | None
    ) = None


class BuyNowIn(CheckoutIn):
    currency: str | None = None  # an enabled currency; default: the store's
    lines: list[BuyNowLineIn]


class OptionsQuery(Schema):
    """Where the cart would be delivered, for its payment options."""

    state: str = Field("", max_length=100, description="Indian state code or name")
    country: str = Field("IN", max_length=2, description="ISO 3166 country code")
    postal_code: str = Field("", max_length=20)
    express_sourcing: bool = False
    shipping_service: str = Field(
        "",
        max_length=16,
        description="the shipping option counted in the totals (default: the cheapest)",
    )


class ShippingQuery(Schema):
    """Where the cart would be delivered, for its shipping options."""

    state: str = Field("", max_length=100, description="Indian state code or name")
    country: str = Field("IN", max_length=2, description="ISO 3166 country code")
    postal_code: str = Field("", max_length=20)


# --- replies ----------------------------------------------------------------------------
class CartLineAvailabilityOut(StockStateOut):
    enough: bool = Field(
        description="max_quantity covers the line's quantity (checkout will accept it)"
    )


class CartLineOut(Out):
    id: int
    variant_id: int
    sku: str
    product_title: str
    variant_title: str
    option_values: dict[str, Any]
    quantity: int
    unit_price: MoneyOut = Field(description="the live price")
    line_total: MoneyOut
    price_changed: bool = Field(
        description="added at another price: checkout asks the shopper to confirm"
    )
    availability: CartLineAvailabilityOut


class CartOrderOut(Out):
    number: str
    token: str


class CartOut(Out):
    """`checkout.selectors.cart_payload`: lines at live prices with their availability."""

    token: str
    currency: str
    created_at: datetime
    expires_at: datetime
    completed: bool
    order: CartOrderOut | None = Field(description="the order, once checked out")
    lines: list[CartLineOut]
    item_count: int
    subtotal: MoneyOut
    tax: TaxOut = Field(
        description="the GST in the cart, for delivery in the store's own state (the "
        "payment options and checkout decide it by the delivery address)"
    )
    total: MoneyOut = Field(description="subtotal, plus the GST when prices exclude it")


class CartPaymentOptionsOut(PaymentOptionsOut):
    tax: TaxOut = Field(description="the GST for this delivery address")


class PlacedOrderOut(OrderOut):
    """The order placed. When part of it is paid online, `payment` is the gateway payment
    opened for it (null when it could not be opened: `payment_error` says why, and the
    order can be paid from its pay page until it expires)."""

    payment: PaymentOut | None = None
    payment_error: ErrorBody | None = None
