"""The OpenAPI document lists, on every operation, the errors the front door itself gives
whatever the view does: each operation declares the replies of its own view (its body
per 2xx status, and the 4xx its rules answer), and this adds the rest.

- 401 `not_authenticated`: every operation needs a key or a staff session (`api.auth`);
- 422 `invalid` / `invalid_characters`: a value ninja cannot parse, or a NUL byte or lone
  surrogate anywhere in the request (`core.safe_input`);
- 429 `rate_limited`, with `Retry-After` (`api.throttles`);
- 400 `malformed_request` and 413 `payload_too_large` when the operation takes a body.

All of them are the error body (`core.schemas.ErrorOut`, written by `api.errors`).
"""

from __future__ import annotations

from typing import Any

from ninja import NinjaAPI
from ninja.openapi.schema import OpenAPISchema

from haat.core.schemas import ErrorOut

REF_TEMPLATE = "#/components/schemas/{model}"
EVERY_OPERATION: dict[int, str] = {
    401: "Missing or invalid credentials (`not_authenticated`)",
    422: "A value that cannot be used (`invalid`, `invalid_characters`, …)",
    429: "Too many requests (`rate_limited`; see `Retry-After`)",
}
WITH_A_BODY: dict[int, str] = {
    400: "The body cannot be read (`malformed_request`)",
    413: "The body is too large (`payload_too_large`)",
}


class HaatAPI(NinjaAPI):
    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        error = _error_component(schema)
        for item in schema["paths"].values():
            for operation in item.values():
                common = EVERY_OPERATION | (WITH_A_BODY if "requestBody" in operation else {})
                for status, description in common.items():
                    operation["responses"].setdefault(status, _reply(description, error))
        return schema


def _error_component(schema: OpenAPISchema) -> dict[str, str]:
    """A reference to the error body, adding it to the components when no operation
    named it."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    body = ErrorOut.model_json_schema(ref_template=REF_TEMPLATE)
    for name, definition in body.pop("$defs", {}).items():
        components.setdefault(name, definition)
    components.setdefault(ErrorOut.__name__, body)
    return {"$ref": REF_TEMPLATE.format(model=ErrorOut.__name__)}


def _reply(description: str, error: dict[str, str]) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": error}}}
