"""The OpenAPI document types every body: each operation's 2xx reply has a schema with
properties (or is a typed list of them, a CSV file or empty), and each declared error
reply is the error body. Walks the served document, so a new endpoint is held to this the
moment it is mounted; tests/api/openapi.py checks that replies match it.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.openapi import METHODS, document, problems, resolve

ERROR_REF = "#/components/schemas/ErrorOut"


def _operations() -> list[tuple[str, dict[str, Any]]]:
    return [
        (f"{method.upper()} {path}", op)
        for path, item in document()["paths"].items()
        for method, op in item.items()
        if method in METHODS
    ]


def _untyped(schema: dict[str, Any] | None) -> bool:
    """No schema, or an object without declared properties (`dict`, additionalProperties
    only); a list is typed when its items are, a union when every option is."""
    if not schema:
        return True
    schema = resolve(schema)
    options = schema.get("anyOf") or schema.get("oneOf") or schema.get("allOf")
    if options:
        return any(_untyped(option) for option in options)
    if schema.get("type") == "array":
        return _untyped(schema.get("items"))
    if schema.get("type") in ("string", "integer", "number", "boolean"):
        return False
    return not schema.get("properties")


def _untyped_replies(op: dict[str, Any]) -> list[str]:
    out = []
    for status, reply in op["responses"].items():
        if not status.startswith("2") or status == "204":
            continue
        content = reply.get("content") or {}
        if not content:
            out.append(f"{status}: no body documented")
        elif "application/json" in content and _untyped(content["application/json"]["schema"]):
            out.append(f"{status}: untyped JSON")
    return out


def test_every_2xx_reply_is_typed():
    offenders = [
        f"{name} {problem}" for name, op in _operations() for problem in _untyped_replies(op)
    ]
    assert offenders == [], "\n".join(offenders)


def test_the_walk_finds_an_untyped_reply():
    bare = {"responses": {"200": {"content": {"application/json": {"schema": {"type": "object"}}}}}}
    free = {"type": "object", "additionalProperties": True}
    listed = {"type": "array", "items": free}
    assert _untyped_replies(bare) == ["200: untyped JSON"]
    assert _untyped(free) and _untyped(listed) and _untyped(None)
    assert _untyped_replies({"responses": {"201": {"description": "Created"}}}) == [
        "201: no body documented"
    ]
    assert not _untyped({"$ref": ERROR_REF})


def _is_error_body(schema: dict[str, Any]) -> bool:
    options = schema.get("anyOf") or schema.get("oneOf") or [schema]
    return any(option.get("$ref") == ERROR_REF for option in options)


def test_every_operation_declares_its_error_replies():
    """Every operation documents the front door's errors (credentials, edge checks, rate
    limits; an unreadable or too large body when it takes one), and every 4xx it declares
    is the error body (a bulk upload's 422 may also be its per-row report)."""
    missing, not_error_body = [], []
    for name, op in _operations():
        needed = {"401", "422", "429"} | ({"400", "413"} if "requestBody" in op else set())
        missing += [f"{name} {status}" for status in sorted(needed - set(op["responses"]))]
        for status, reply in op["responses"].items():
            if status.startswith("4"):
                schema = reply.get("content", {}).get("application/json", {}).get("schema", {})
                if not _is_error_body(schema):
                    not_error_body.append(f"{name} {status}")
    assert missing == [] and not_error_body == [], (missing, not_error_body)


@pytest.mark.parametrize(
    ("value", "found"),
    [
        ({"error": {"code": "x", "message": "m", "details": {}}}, []),
        ({"error": {"code": "x", "message": "m"}}, ["$.error: no 'details'"]),
        (
            {"error": {"code": 1, "message": "m", "details": {}, "extra": True}},
            ["$.error.code: 1 is not string", "$.error: 'extra' is not documented"],
        ),
    ],
)
def test_a_reply_is_checked_against_its_schema(value, found):
    assert problems({"$ref": ERROR_REF}, value) == found
