"""Request bodies of the cart and checkout API. Quantities and ids are strict integers:
`1.5`, `"2"` and `true` are refused with a 422 naming the field, never coerced.

Plain pydantic models: ninja's `Schema` adds a validator that reads ORM objects, which
request bodies never are, and it runs once per nested object on the checkout path."""

from __future__ import annotations

from ninja import Field, Schema
from pydantic import BaseModel, StrictBool, StrictInt


class LineIn(BaseModel):
    variant_id: StrictInt
    quantity: StrictInt


class CartCreateIn(BaseModel):
    currency: str | None = None
    # "Buy now": the cart is created with these lines (all of them or nothing).
    lines: list[LineIn] = []


class CartPatchIn(BaseModel):
    currency: str


class LinePatchIn(BaseModel):
    quantity: StrictInt


class AddressIn(BaseModel):
    name: str
    phone: str = ""
    line1: str
    line2: str = ""
    city: str
    state: str = ""
    postal_code: str = ""
    country: str = "IN"


class CheckoutIn(BaseModel):
    email: str
    phone: str
    name: str = ""
    shipping_address: AddressIn
    billing_address: AddressIn | None = None
    payment_type: str  # prepaid | cod | partial_cod | reserve_and_pay
    express_sourcing: StrictBool = False
    return_url: str = ""  # where the gateway sends the customer back (default: pay page)


class BuyNowLineIn(BaseModel):
    variant_id: StrictInt
    quantity: StrictInt
    # The unit price (minor units, in the order's currency) the shopper was shown; when
    # the live price differs the order is refused with 409 `price_changed`.
    expected_unit_amount: StrictInt | None = None


class BuyNowIn(CheckoutIn):
    currency: str | None = None  # an enabled currency; default: the store's
    lines: list[BuyNowLineIn]


class OptionsQuery(Schema):
    """Where the cart would be delivered, for its payment options."""

    state: str = Field("", max_length=100, description="Indian state code or name")
    country: str = Field("IN", max_length=2, description="ISO 3166 country code")
    postal_code: str = Field("", max_length=20)
    express_sourcing: bool = False
