"""Error codes are enumerations: DomainError takes nothing else, no code is declared twice,
and the tables in docs/api.md are what the enums say."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

from haat.core.error_codes import CoreError, ErrorCode, registered
from haat.core.error_table import END, START, updated
from haat.core.errors import Conflict, DomainError, NotFound, ValidationError
from haat.inventory.error_codes import InventoryError

API_DOC = Path(__file__).resolve().parents[2] / "docs" / "api.md"


def test_a_free_string_code_is_refused_when_the_error_is_built():
    with pytest.raises(TypeError, match="not an ErrorCode member"):
        ValidationError("Name is required.", code="invalid")
    with pytest.raises(TypeError, match="not an ErrorCode member"):
        Conflict("Only 2 left.", code="sold_out")


def test_a_free_string_code_is_refused_when_the_class_is_defined():
    with pytest.raises(TypeError, match="not an ErrorCode member"):

        class SoldOut(Conflict):
            code = "sold_out"


def test_a_code_raised_with_another_status_than_it_declares_is_refused():
    with pytest.raises(TypeError, match="is a 409, not a 404"):
        NotFound("Only 2 left.", code=InventoryError.OUT_OF_STOCK)
    assert Conflict("Only 2 left.", code=InventoryError.OUT_OF_STOCK).code == "out_of_stock"
    # A code without a fixed status goes with any error class.
    assert NotFound("No EUR.", code=CoreError.UNKNOWN_CURRENCY).http_status == 404
    assert ValidationError("No EUR.", code=CoreError.UNKNOWN_CURRENCY).http_status == 422


def test_every_context_declares_its_codes_and_no_value_twice():
    enums = registered()
    contexts = {enum.__module__.split(".")[1] for enum in enums}
    assert contexts >= {
        "core",
        "accounts",
        "catalog",
        "customers",
        "inventory",
        "orders",
        "gateways",
        "payments",
        "checkout",
    }
    assert enums[0] is CoreError
    seen: dict[str, str] = {}
    for enum in enums:
        assert issubclass(enum, ErrorCode)
        for member in enum:
            owner = f"{enum.__name__}.{member.name}"
            assert member.value not in seen, f"{member.value!r}: {seen.get(member.value)}, {owner}"
            seen[member.value] = owner
            assert member.value == member.value.lower() and " " not in member.value
            assert member.description.strip(), owner
            assert member.http_status is None or 400 <= member.http_status <= 599, owner


def test_error_bodies_serialize_the_code_as_its_string():
    body = DomainError("Something is off.").as_body()
    assert (
        json.dumps(body)
        == '{"error": {"code": "error", "message": "Something is off.", "details": {}}}'
    )


def test_docs_api_error_tables_are_generated_and_fresh():
    text = API_DOC.read_text(encoding="utf-8")
    assert START in text and END in text
    assert updated(text) == text, "docs/api.md is stale: run `haat manage error_codes`"


def test_the_generated_section_lists_every_code():
    section = updated(f"{START}{END}")
    for enum in registered():
        for member in enum:
            assert f"| `{member.value}` |" in section


def _name(node: ast.expr) -> str:
    """`Conflict` for `Conflict` and for `errors.Conflict`."""
    return node.attr if isinstance(node, ast.Attribute) else getattr(node, "id", "")


def _error_classes(trees: list[ast.Module]) -> set[str]:
    """Names of DomainError and every class that derives from it, however deep."""
    found = {"DomainError"}
    classes = [n for tree in trees for n in ast.walk(tree) if isinstance(n, ast.ClassDef)]
    grew = True
    while grew:
        grew = False
        for node in classes:
            bases = {_name(b) for b in node.bases}
            if node.name not in found and bases & found:
                found.add(node.name)
                grew = True
    return found


def test_no_raise_site_passes_a_string_literal_code():
    """The TypeError catches what the tests run; this scan catches the raise sites they miss."""
    src = Path(__file__).resolve().parents[2] / "src" / "haat"
    files = [p for p in src.rglob("*.py") if "migrations" not in p.parts]
    trees = [ast.parse(p.read_text(encoding="utf-8")) for p in files]
    errors = _error_classes(trees)
    offenders = []
    for path, tree in zip(files, trees, strict=True):
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                name = _name(node.func)
                for kw in node.keywords:
                    literal = isinstance(kw.value, ast.Constant)
                    if name in errors and kw.arg == "code" and literal:
                        offenders.append(f"{path.relative_to(src)}:{node.lineno}")
            if isinstance(node, ast.ClassDef) and node.name in errors:
                for stmt in node.body:
                    target = getattr(stmt, "targets", [getattr(stmt, "target", None)])[0]
                    value = getattr(stmt, "value", None)
                    if getattr(target, "id", "") == "code" and isinstance(value, ast.Constant):
                        offenders.append(f"{path.relative_to(src)}:{stmt.lineno}")
    assert not offenders, f"error codes given as strings: {offenders}"
