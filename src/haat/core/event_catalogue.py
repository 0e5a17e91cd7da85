"""`docs/events.md`, generated from the event classes and the registered consumers.

The catalogue is only ever written by `haat manage events_catalogue`, and a test fails
when the file differs from what the code says, so it cannot drift from the code.
"""

from __future__ import annotations

import json
from importlib import import_module
from importlib.util import find_spec
from typing import Any

from django.apps import apps

from haat.core.events import Consumer, Event, consumers, event_classes

HEADER = """\
# Domain events

Generated from the code by `haat manage events_catalogue`: do not edit by hand (a test
fails when this file is stale). How events are declared, versioned, emitted and consumed:
`haat/core/events.py`, `haat/core/outbox.py` and `haat/core/dispatch.py`, and the
"Events and the outbox" section of [architecture.md](architecture.md).

Every event is written to the outbox in the transaction of the change it reports; each
consumer receives it once (its own delivery, idempotency key `"<event id>:<consumer>"`),
in no guaranteed order. Amounts are integers in minor units of the named currency.
"""


def render() -> str:
    """The catalogue's Markdown."""
    registered = [c for c in consumers() if c.handler.__module__.startswith("haat.")]
    sections = _by_context()
    out = [HEADER, "| event | version | context | consumers |", "| --- | --- | --- | --- |"]
    for label, _, events in sections:
        for cls in events:
            names = ", ".join(f"`{c.name}`" for c in registered if cls in c.events) or "none"
            out.append(f"| `{cls.event_type}` | {cls.version} | {label} | {names} |")
    for label, module, events in sections:
        out.append(f"\n## {label}\n\nDeclared in `{module}`.\n")
        for cls in events:
            out.append(_event(cls, [c for c in registered if cls in c.events]))
    return "\n".join(out).rstrip() + "\n"


def _by_context() -> list[tuple[str, str, list[type[Event]]]]:
    """(app label, events module, its event classes) per app, in INSTALLED_APPS order."""
    sections = []
    for config in apps.get_app_configs():
        module = f"{config.name}.events"
        if not config.name.startswith("haat.") or find_spec(module) is None:
            continue
        import_module(module)  # declaring is registering
        events = [cls for cls in event_classes() if cls.__module__ == module]
        if events:
            sections.append((config.label, module, events))
    return sections


def _event(cls: type[Event], subscribers: list[Consumer]) -> str:
    schema = cls.model_json_schema()
    defs = schema.get("$defs", {})
    lines = [
        f"### `{cls.event_type}` (version {cls.version})",
        "",
        f"`{cls.__name__}`: {_text(cls.__doc__)}",
        "",
        *_table(schema, defs),
    ]
    for name in _parts(schema, defs):
        part = defs[name]
        lines += ["", f"`{name}`: {_text(part.get('description', ''))}", "", *_table(part, defs)]
    lines += ["", "Example payload:", "", "```json", json.dumps(cls.example), "```", ""]
    if subscribers:
        lines += ["Consumers:", ""]
        lines += [f"- `{c.name}`: {_text(c.handler.__doc__)}" for c in subscribers]
    else:
        lines.append("Consumers: none yet.")
    return "\n".join(lines) + "\n"


def _table(schema: dict[str, Any], defs: dict[str, Any]) -> list[str]:
    required = set(schema.get("required", []))
    rows = ["| field | type | meaning |", "| --- | --- | --- |"]
    for name, prop in schema["properties"].items():
        kind = _type(prop, defs) + ("" if name in required else ", optional")
        rows.append(f"| `{name}` | {kind} | {_text(prop.get('description', ''))} |")
    return rows


def _type(prop: dict[str, Any], defs: dict[str, Any]) -> str:
    """A JSON schema node as a short readable type."""
    if "$ref" in prop:
        name = prop["$ref"].rsplit("/", 1)[-1]
        target = defs[name]
        if "enum" in target:
            return "one of " + ", ".join(f"`{v}`" for v in target["enum"])
        return f"`{name}`"
    if "anyOf" in prop:
        return " or ".join(_type(p, defs) for p in prop["anyOf"])
    if "enum" in prop:
        return "one of " + ", ".join(f"`{v}`" for v in prop["enum"])
    kind = prop.get("type", "any")
    if kind == "array":
        return f"list of {_type(prop.get('items', {}), defs)}"
    if prop.get("format") == "date-time":
        return "date-time (ISO 8601)"
    return kind


def _parts(schema: dict[str, Any], defs: dict[str, Any]) -> list[str]:
    """Names of the nested objects (not enumerations) the payload refers to, in order."""
    names = []
    for name in json.dumps(schema["properties"]).split('"#/$defs/')[1:]:
        name = name.split('"', 1)[0]
        if "enum" not in defs[name] and name not in names:
            names.append(name)
    return names


def _text(doc: str | None) -> str:
    """A docstring on one line, with table pipes escaped."""
    return " ".join((doc or "").split()).replace("|", "\\|")
