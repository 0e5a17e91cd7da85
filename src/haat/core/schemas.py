"""Response shapes every context's API shares: an amount, an error, and the base of
response schemas.

Response schemas document what the API returns and, where ninja validates a reply, keep
it to that: a key a schema does not declare is an error (`extra="forbid"`), so a reply
cannot drift from its documentation unnoticed. Plain pydantic models, not ninja.Schema:
replies are dicts, and ninja's per-object attribute wrapper costs CPU on every nested
object.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema

# The largest row id a database holds (a signed 64-bit integer). An id in a request is
# bounded by it in the schema: SQLite cannot even compare a larger Python int (it raised
# OverflowError, a 500), and no row can have one.
MAX_ID = 2**63 - 1
Id = Annotated[int, Field(ge=1, le=MAX_ID)]


def checked_range(minimum: int | None, maximum: int) -> Any:
    """The range a service checks itself (with its own error code and message), shown in
    the document: the schema states the validator's constant, and the validator stays the
    one check, so the two cannot drift apart (tests/api/test_openapi_bounds.py)."""
    extra: dict[str, Any] = {"maximum": maximum}
    if minimum is not None:
        extra["minimum"] = minimum
    return Field(json_schema_extra=extra)


# A timestamp a selector already wrote as ISO 8601 text (`datetime.isoformat()`): kept as
# it is, documented as a date-time.
IsoDatetime = Annotated[str, WithJsonSchema({"type": "string", "format": "date-time"})]


class Out(BaseModel):
    """Base for response bodies built as dicts by the services and selectors."""

    model_config = ConfigDict(extra="forbid")


class MoneyOut(Out):
    """`core.money.money_json`: an amount in minor units with its currency."""

    amount: int = Field(description="minor units (paise for INR)")
    currency: str
    formatted: str = Field(description="for display, in the store's locale")


class ErrorBody(Out):
    code: str = Field(description='stable, e.g. "out_of_stock"')
    message: str = Field(description="for people")
    details: dict[str, Any] = Field(description='e.g. {"field": "lines[0].quantity"}')


class ErrorOut(Out):
    """Every error: `{"error": {"code", "message", "details"}}` (`core.errors.DomainError`)."""

    error: ErrorBody


def errors(*statuses: int) -> dict[int, type[ErrorOut]]:
    """The error body for each of `statuses`, to merge into an operation's `response`."""
    return dict.fromkeys(statuses, ErrorOut)


# `openapi_extra` of an operation whose 200 reply is a CSV file (declared `{200: None}`).
CSV_REPLY = {"responses": {200: {"content": {"text/csv": {"schema": {"type": "string"}}}}}}
