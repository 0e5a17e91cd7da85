"""The shipping of a checkout: the store's shipping options for the delivery address and
the cart's lines (`shipping.quote`), the one the shopper chose (`shipping_service`, or the
cheapest), and whether cash on delivery may be used there.

A store that has set up no shipping zones charges no shipping (as before shipping zones
existed). Zones and rates come from the per-process copy under the settings stamp the
checkout read with its lines, so this costs no statement unless the stamp moved; an
Indian PIN costs one when the merchant keeps a PIN list. Errors name the checkout's
fields (`shipping_address.postal_code`, `shipping_service`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from haat.core.errors import ValidationError
from haat.customers.validation import AddressData
from haat.orders.services import ShippingChoice
from haat.shipping.config import shipping_config
from haat.shipping.error_codes import ShippingError
from haat.shipping.quote import Option, Parcel, Quote, clean_destination, parcel_weight, quote

COD_TYPES = frozenset({"cod", "partial_cod"})


def shipping_quote(
    *,
    currency: str,
    lines: Sequence[tuple[Any, int, int]],  # (variant with weight_grams, quantity, unit amount)
    address: dict[str, str] | AddressData,
    stamp: int | None,
    prefix: str = "shipping_address.",
) -> Quote | None:
    """The options for these lines to `address`; None while the store has no zones."""
    config = shipping_config(stamp=stamp)
    if not config.configured:
        return None

    def get(key: str) -> str:
        value = address.get(key) if isinstance(address, dict) else getattr(address, key, "")
        return str(value or "")

    try:
        to = clean_destination(
            country=get("country") or "IN",
            state=get("state") or "",
            postal_code=get("postal_code") or "",
        )
        return quote(
            to=to,
            currency=currency,
            parcel=Parcel(
                weight_grams=parcel_weight((v.weight_grams, q) for v, q, _ in lines),
                order_value=sum(q * unit for _, q, unit in lines),
            ),
            config=config,
            stamp=stamp,
        )
    except ValidationError as exc:
        field = exc.details.get("field")
        if field in ("country", "state", "postal_code"):
            exc.details["field"] = f"{prefix}{field}"
        raise


def choose(found: Quote, service: str) -> Option:
    """The option for `service` ("" = the cheapest); 422 naming the ones offered."""
    if not service:
        return found.options[0]
    option = found.option(service)
    if option is None:
        offered = [o.service for o in found.options]
        raise ValidationError(
            f"'{service}' delivery is not offered for this address and order "
            f"(offered: {', '.join(offered)}).",
            code=ShippingError.NO_SHIPPING_OPTION,
            details={"field": "shipping_service", "available": offered},
        )
    return option


def as_choice(option: Option) -> ShippingChoice:
    return ShippingChoice(
        service=option.service,
        label=f"{option.label} · {option.zone_name}",
        amount=option.price.amount,
        earliest=option.earliest,
        latest=option.latest,
    )
