"""Every domain event is declared, documented, valid against its schema, emitted by its own
context and listed in docs/events.md exactly as the code says."""

from __future__ import annotations

import ast
from importlib import import_module
from pathlib import Path

import jsonschema
import pydantic
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from haat.core.event_catalogue import render
from haat.core.events import Event, consumers, event_classes, load

REPO = Path(__file__).resolve().parents[2]
SRC = REPO / "src" / "haat"
CATALOGUE = REPO / "docs" / "events.md"


def haat_events() -> list[type[Event]]:
    return [cls for cls in event_classes() if cls.__module__.startswith("haat.")]


EVENTS = haat_events()


def test_every_context_declares_its_events():
    contexts = {cls.__module__ for cls in EVENTS}
    assert contexts == {
        "haat.catalog.events",
        "haat.fulfillment.events",
        "haat.inventory.events",
        "haat.orders.events",
        "haat.payments.events",
    }
    assert len(EVENTS) == 40


@pytest.mark.parametrize("cls", EVENTS, ids=lambda cls: cls.event_type)
def test_example_payload_fits_the_class_and_its_json_schema(cls):
    schema = cls.model_json_schema()
    event = cls.model_validate(cls.example)
    stored = event.model_dump(mode="json")  # what emit() writes
    assert stored == cls.example
    jsonschema.validate(stored, schema)
    assert load(cls.event_type, cls.version, stored) == event

    # A payload that breaks the schema is refused by the class and by the schema alike.
    required = schema["required"][0]
    for payload in [
        {**stored, "unexpected": 1},
        {k: v for k, v in stored.items() if k != required},
    ]:
        with pytest.raises(pydantic.ValidationError):
            cls.model_validate(payload)
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(payload, schema)


PREFIXES = {"fulfillment": {"shipment"}}


@pytest.mark.parametrize("cls", EVENTS, ids=lambda cls: cls.event_type)
def test_event_name_version_and_every_field_are_documented(cls):
    context = cls.__module__.split(".")[1]  # haat.<context>.events
    prefix, _ = cls.event_type.split(".")
    # A context named for an activity names its events for the thing it keeps
    # (DESIGN.md: `shipment.delivered` from fulfillment).
    aliases = PREFIXES.get(context, set())
    assert prefix in {context, context.removesuffix("s"), *aliases}, "name it <context>.<fact>"
    assert isinstance(cls.version, int) and cls.version >= 1
    schema = cls.model_json_schema()
    assert schema.get("description"), f"{cls.__name__} needs a docstring"
    for node in [schema, *schema.get("$defs", {}).values()]:
        if "enum" in node:
            continue
        assert node.get("description"), f"{node['title']} needs a docstring"
        for name, prop in node["properties"].items():
            assert prop.get("description"), f"{node['title']}.{name} needs a docstring"


def test_consumers_live_in_the_consuming_context():
    ours = [c for c in consumers() if c.handler.__module__.startswith("haat.")]
    assert [c.name for c in ours] == [
        "payments.expire_open",
        "notifications.queue",
        "notifications.back_in_stock",
    ]
    for c in ours:
        context = c.handler.__module__.split(".")[1]
        assert c.handler.__module__ == f"haat.{context}.consumers"
        assert c.name.startswith(f"{context}.")
        assert c.handler.__doc__, "the catalogue lists what a consumer does"
        assert all(cls in EVENTS for cls in c.events)


def test_docs_events_md_is_generated_from_the_code():
    assert CATALOGUE.read_text(encoding="utf-8") == render(), (
        "docs/events.md is stale: run `haat manage events_catalogue`"
    )
    for cls in EVENTS:
        assert f"### `{cls.event_type}` (version {cls.version})" in render()


def test_catalogue_command_writes_and_checks(tmp_path):
    path = tmp_path / "events.md"
    with pytest.raises(CommandError, match="stale"):
        call_command("events_catalogue", "--check", output=str(path))
    call_command("events_catalogue", output=str(path))
    assert path.read_text(encoding="utf-8") == render()
    call_command("events_catalogue", "--check", output=str(path))
    path.write_text(render().replace("version 1", "version 2", 1), encoding="utf-8")
    with pytest.raises(CommandError, match="stale"):
        call_command("events_catalogue", "--check", output=str(path))


def _emitters() -> dict[type[Event], set[str]]:
    """For each event class, the modules (outside events.py and consumers.py) that name it:
    the places that build and emit it."""
    found: dict[type[Event], set[str]] = {cls: set() for cls in EVENTS}
    for path in SRC.rglob("*.py"):
        if path.name in {"events.py", "consumers.py"}:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imported: dict[str, type[Event]] = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").endswith(".events"):
                module = import_module(node.module)
                for alias in node.names:
                    cls = getattr(module, alias.name)
                    if cls in found:
                        imported[alias.asname or alias.name] = cls
        for node in ast.walk(tree):
            if isinstance(node, ast.Name) and node.id in imported:
                found[imported[node.id]].add(str(path.relative_to(SRC)))
    return found


def test_each_fact_is_emitted_by_its_own_context_only():
    """One class per fact gives one payload; its own context is the one that emits it (no
    more `order.confirmed` from payments with another payload)."""
    for cls, modules in _emitters().items():
        context = cls.__module__.split(".")[1]
        assert {m.split("/")[0] for m in modules} <= {context}, (
            f"{cls.event_type} is emitted from {sorted(modules)}"
        )
        assert modules, f"{cls.event_type} is declared but never emitted"
