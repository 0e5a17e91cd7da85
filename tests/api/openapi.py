"""The served OpenAPI document, and a check that a reply is what it documents.

`JsonClient` (tests/conftest.py) runs `check_reply` on every API reply a test gets: its
status must be one its operation declares (a 5xx aside) and its body must match the
declared schema. The check is stricter than JSON Schema's default: an object with
declared properties may not carry an undeclared key, so a reply cannot grow a field the
document does not show, whether ninja validated the reply or a view sent it as built.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from django.conf import settings
from django.test import Client

OPENAPI_URL = "/api/v1/openapi.json"
METHODS = ("get", "post", "put", "patch", "delete")


def document() -> dict[str, Any]:
    """The document the site serves now (a test may install another context: one
    document per URL configuration)."""
    return _document(settings.ROOT_URLCONF)


@functools.cache
def _document(urlconf: Any) -> dict[str, Any]:
    return Client().get(OPENAPI_URL).json()


def _routes() -> list[tuple[re.Pattern[str], dict[str, Any]]]:
    return _routes_of(settings.ROOT_URLCONF)


@functools.cache
def _routes_of(urlconf: Any) -> list[tuple[re.Pattern[str], dict[str, Any]]]:
    routes = []
    for path, item in _document(urlconf)["paths"].items():
        pattern = re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(path))
        routes.append((re.compile(f"^{pattern}$"), item))
    # Literal segments win over parameters (`/stock/report.csv` before `/stock/{id}`).
    routes.sort(key=lambda route: route[0].pattern.count("[^/]+"))
    return routes


def operation(method: str, path: str) -> dict[str, Any] | None:
    """The documented operation that serves `method path` (None: not an API route)."""
    for pattern, item in _routes():
        if pattern.match(path) and method.lower() in item:
            return item[method.lower()]
    return None


def resolve(schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = document()["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


_TYPES = {
    "string": str,
    "integer": int,
    "number": (int, float),
    "boolean": bool,
    "array": list,
    "object": dict,
    "null": type(None),
}


def problems(schema: dict[str, Any], value: Any, where: str = "$") -> list[str]:
    """Where `value` does not match `schema` (the subset pydantic and ninja write)."""
    schema = resolve(schema)
    if "anyOf" in schema or "oneOf" in schema:
        options = schema.get("anyOf") or schema["oneOf"]
        found = [problems(option, value, where) for option in options]
        return [] if any(not p for p in found) else min(found, key=len)
    out = [p for part in schema.get("allOf", ()) for p in problems(part, value, where)]
    kind = schema.get("type")
    if kind is not None:
        kinds = kind if isinstance(kind, list) else [kind]
        if not any(_is(value, k) for k in kinds):
            return [*out, f"{where}: {value!r} is not {kind}"]
    if "enum" in schema and value not in schema["enum"]:
        out.append(f"{where}: {value!r} not in {schema['enum']}")
    if "const" in schema and value != schema["const"]:
        out.append(f"{where}: {value!r} is not {schema['const']!r}")
    if isinstance(value, list) and "items" in schema:
        for i, item in enumerate(value):
            out += problems(schema["items"], item, f"{where}[{i}]")
    if isinstance(value, dict):
        out += _object_problems(schema, value, where)
    return out


def _is(value: Any, kind: str) -> bool:
    if kind in ("integer", "number") and isinstance(value, bool):
        return False
    return isinstance(value, _TYPES[kind])


def _object_problems(schema: dict[str, Any], value: dict[str, Any], where: str) -> list[str]:
    props = schema.get("properties", {})
    extra = schema.get("additionalProperties", not props)  # strict: declared keys only
    out = [f"{where}: no {key!r}" for key in schema.get("required", ()) if key not in value]
    for key, item in value.items():
        if key in props:
            out += problems(props[key], item, f"{where}.{key}")
        elif extra is False:
            out.append(f"{where}: {key!r} is not documented")
        elif isinstance(extra, dict):
            out += problems(extra, item, f"{where}.{key}")
    return out


def check_reply(method: str, path: str, response: Any) -> None:
    """Fail when the reply to `method path` is not what its operation documents."""
    op = operation(method, path.split("?", 1)[0])
    if op is None or response.status_code >= 500:
        return
    declared = op["responses"].get(str(response.status_code))
    where = f"{method.upper()} {path} -> {response.status_code}"
    assert declared is not None, f"{where}: status not declared ({sorted(op['responses'])})"
    content = declared.get("content")
    if not content:
        assert not response.content, f"{where}: a body where none is documented"
        return
    media = response["Content-Type"].split(";", 1)[0]
    assert media in content, f"{where}: {media} not documented ({sorted(content)})"
    if media == "application/json":
        found = problems(content[media]["schema"], response.json())
        assert not found, f"{where}: the body does not match its schema: {found[:10]}"
