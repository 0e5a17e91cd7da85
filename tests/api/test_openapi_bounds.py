"""The OpenAPI document states the same bounds as the validators.

Walks the served document: every integer a request sends (a query parameter or a body
field, however deeply nested) declares its minimum and maximum, so an integrator knows the
range and a generated client can check it. Then, for the bounds a service checks itself,
the schema's number is the validator's constant and the validator accepts the maximum and
refuses one more (a price maximum of 10^15 in the schema while the server refused above
10^12 was the defect). Path ids are left out: any integer there names a row or is a 404.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from haat.api.pagination import MAX_PAGE_SIZE
from haat.catalog import services
from haat.catalog import validators as v
from haat.catalog.pricing import MAX_PRICE_MINOR, check_amount
from haat.checkout.carts import clean_quantity as clean_line_quantity
from haat.checkout.models import MAX_LINE_QUANTITY
from haat.core.errors import ValidationError
from haat.core.money import MAX_MINOR_UNITS
from haat.core.schemas import MAX_ID
from haat.inventory.ledger import MAX_QUANTITY, clean_quantity
from haat.inventory.locations import MAX_PRIORITY
from haat.inventory.services import MAX_THRESHOLD
from haat.payments.config import MAX_RESERVE_WINDOW_HOURS
from tests.api.openapi import METHODS, document

pytestmark = pytest.mark.django_db


def _schemas() -> dict[str, Any]:
    return document()["components"]["schemas"]


def _integers(schema: dict[str, Any], where: str, seen: frozenset[str] = frozenset()):
    """(where, schema) for every integer in `schema`, following $refs once each."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        if name in seen:
            return
        yield from _integers(_schemas()[name], name, seen | {name})
        return
    for key in ("anyOf", "oneOf", "allOf"):
        for option in schema.get(key, ()):
            yield from _integers(option, where, seen)
    if schema.get("type") == "integer":
        yield where, schema
    for name, prop in schema.get("properties", {}).items():
        yield from _integers(prop, f"{where}.{name}", seen)
    if isinstance(schema.get("items"), dict):
        yield from _integers(schema["items"], f"{where}[]", seen)
    if isinstance(schema.get("additionalProperties"), dict):
        yield from _integers(schema["additionalProperties"], f"{where}{{}}", seen)


def _request_integers():
    for path, item in document()["paths"].items():
        for method, op in item.items():
            if method not in METHODS:
                continue
            name = f"{method.upper()} {path}"
            for param in op.get("parameters", ()):
                if param["in"] != "path":
                    yield from _integers(param["schema"], f"{name} ?{param['name']}")
            for content in op.get("requestBody", {}).get("content", {}).values():
                yield from _integers(content["schema"], f"{name} body")


def test_every_integer_a_request_sends_is_bounded():
    found = list(_request_integers())
    assert len(found) > 30  # the walk reaches query parameters and nested bodies
    unbounded = sorted({where for where, s in found if "maximum" not in s or "minimum" not in s})
    assert unbounded == [], "\n".join(unbounded)
    too_big = sorted({where for where, s in found if s["maximum"] > MAX_ID})
    assert too_big == [], "\n".join(too_big)


def test_the_walk_finds_an_unbounded_integer():
    nested = {
        "type": "object",
        "properties": {"a": {"type": "array", "items": {"type": "integer"}}},
    }
    assert [w for w, _ in _integers(nested, "X")] == ["X.a[]"]
    assert [w for w, _ in _integers({"anyOf": [{"type": "integer"}, {"type": "null"}]}, "Y")] == [
        "Y"
    ]


def _refused(check: Callable[[int], Any], value: int) -> bool:
    try:
        check(value)
    except ValidationError:
        return True
    return False


def _prop(schema: str, prop: str) -> dict[str, Any]:
    found = _schemas()[schema]["properties"][prop]
    options = found.get("anyOf", [found])
    return next(o for o in options if o.get("type") == "integer")


# (schema, property, the validator's constant, the validator itself or None when the
# bound is the schema's own check)
BOUNDS: list[tuple[str, str, int, Callable[[int], Any] | None]] = [
    ("PriceIn", "amount", MAX_PRICE_MINOR, lambda x: check_amount(x, field="amount")),
    ("PriceIn", "compare_at_amount", MAX_PRICE_MINOR, lambda x: check_amount(x, field="c")),
    ("VariantCreateIn", "cost_amount", MAX_PRICE_MINOR, lambda x: check_amount(x, field="c")),
    ("VariantCreateIn", "weight_grams", v.MAX_WEIGHT_GRAMS, v.clean_weight),
    (
        "VariantCreateIn",
        "position",
        v.MAX_POSITION,
        lambda x: v.clean_int(x, field="position", minimum=0, maximum=v.MAX_POSITION),
    ),
    (
        "ProductCreateIn",
        "expected_days",
        v.MAX_EXPECTED_DAYS,
        lambda x: v.clean_expected_days(x, availability="pre_order"),
    ),
    ("ReceiveIn", "quantity", MAX_QUANTITY, lambda x: clean_quantity(x, field="quantity")),
    ("TransferIn", "quantity", MAX_QUANTITY, lambda x: clean_quantity(x, field="quantity")),
    (
        "AdjustIn",
        "quantity",
        MAX_QUANTITY,
        lambda x: clean_quantity(x, field="quantity", allow_negative=True),
    ),
    ("BulkRowIn", "on_hand", MAX_QUANTITY, None),
    ("LocationIn", "priority", MAX_PRIORITY, None),
    ("ThresholdIn", "threshold", MAX_THRESHOLD, None),
    ("LineIn", "quantity", MAX_LINE_QUANTITY, clean_line_quantity),
    ("LinePatchIn", "quantity", MAX_LINE_QUANTITY, clean_line_quantity),
    ("BuyNowLineIn", "quantity", MAX_LINE_QUANTITY, clean_line_quantity),
    ("CodCollectedIn", "amount", MAX_MINOR_UNITS, None),
    ("RefundIn", "amount", MAX_MINOR_UNITS, None),
    ("SettingsIn", "reserve_window_hours", MAX_RESERVE_WINDOW_HOURS, None),
]


@pytest.mark.parametrize(
    ("schema", "prop", "maximum", "check"), BOUNDS, ids=[f"{s}.{p}" for s, p, *_ in BOUNDS]
)
def test_schema_bounds_are_the_validators(schema, prop, maximum, check):
    declared = _prop(schema, prop)
    assert declared["maximum"] == maximum
    if check is not None:
        check(maximum)  # the largest the document allows is accepted
        assert _refused(check, maximum + 1)
        assert _refused(check, declared["minimum"] - 1)


def test_page_size_bound_is_the_paginators():
    params = document()["paths"]["/api/v1/admin/products"]["get"]["parameters"]
    page_size = next(p for p in params if p["name"] == "page_size")["schema"]
    assert page_size["maximum"] == MAX_PAGE_SIZE


def test_a_price_above_the_documented_maximum_is_refused_and_the_maximum_is_accepted(
    admin_api, currencies
):
    product = services.create_product(title="Silver Anklet")
    variant = services.create_variant(product=product, sku="ANK-1")
    api = admin_api("owner")
    url = f"/api/v1/admin/variants/{variant.pk}/prices"
    maximum = _prop("PriceIn", "amount")["maximum"]
    refused = api.put(url, [{"currency": "INR", "amount": maximum + 1}])
    assert refused.status_code == 422, refused.content
    error = refused.json()["error"]
    assert error["code"] == "price_too_large" and error["details"]["field"] == "prices[0]"
    accepted = api.put(url, [{"currency": "INR", "amount": maximum}])
    assert accepted.status_code == 200, accepted.content


@pytest.mark.parametrize(
    "query",
    [
        "products?category=18446744073709551616",
        "products?collection=18446744073709551616",
        "stock?location=18446744073709551616",
        "stock?category=18446744073709551616",
        "holds?variant_id=18446744073709551616",
    ],
)
def test_an_id_beyond_64_bits_in_a_query_is_a_422_not_a_500(admin_api, query):
    """Found by tests/api/test_schemathesis.py: SQLite cannot compare such an int (500)."""
    response = admin_api("owner").get(f"/api/v1/admin/{query}")
    assert response.status_code == 422, response.content
    assert response.json()["error"]["code"] == "invalid"
