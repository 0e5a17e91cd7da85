"""The audit log in the merchant's words: "Asha Rao changed the prices of KL-KUR-004-L" with
"Price of KL-KUR-004-L in INR: ₹2,499.00 → ₹2,299.00" underneath, not
`asha@… variant.prices catalog.variant:81 {"prices": [...]}`.

Core records entries for every context but cannot import them, so each context declares its
vocabulary in its `frontdoor.py` (`Contribution(audit=AuditWords(...))`):

- a `Phrase` per action it records: a verb phrase around `{object}` ("changed the prices of
  {object}") and, optionally, `details` that turn the entry's `changes` into sentences;
- an `ObjectKind` per object type it owns: a noun ("product") and a `resolve` function that
  names and links MANY objects in one query (ids -> `Named`).

`describe(entries)` collects, for a whole page of entries, every object and every reference
a phrase asks for (`refs`), resolves them with one query per kind, then writes the lines: a
page of 50 entries costs one query per kind of object on it, never one per entry.
An object that no longer exists keeps the name stored when the entry was written.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings
from django.utils.html import format_html
from django.utils.safestring import SafeString

from haat.core.models import AuditLogEntry
from haat.core.money import formatted, known_currencies


@dataclass(frozen=True)
class Named:
    """How one object reads in the log: its name, a dashboard link (may be empty), and
    facts a phrase may need (an order's currency)."""

    label: str
    url: str = ""
    facts: Mapping[str, Any] = field(default_factory=dict)


Resolver = Callable[[list[str]], Mapping[str, Named]]


@dataclass(frozen=True)
class ObjectKind:
    """Objects of `object_type` ("catalog.variant"): called `noun` when nameless, named and
    linked by `resolve(ids)` in ONE query for all the ids it is given."""

    object_type: str
    noun: str
    resolve: Resolver | None = None


class Names:
    """The resolved objects of one page: `names.get("inventory.location", 3)`."""

    def __init__(self, resolved: Mapping[str, Mapping[str, Named]]) -> None:
        self._resolved = resolved

    def get(self, object_type: str, object_id: object) -> Named | None:
        return self._resolved.get(object_type, {}).get(str(object_id))

    def label(self, object_type: str, object_id: object, default: str = "") -> str:
        named = self.get(object_type, object_id)
        return named.label if named else default


@dataclass(frozen=True)
class Entry:
    """What a phrase's `details` sees: the entry's changes, its object and the page's names."""

    changes: dict[str, Any]
    object: Named | None
    names: Names

    def money(self, amount: object, currency: str | None = None) -> str:
        """Minor units in the store's format; the currency defaults to the object's."""
        return money_text(
            amount, currency or str(self.object.facts.get("currency", "") if self.object else "")
        )


Details = Callable[[Entry], list[str]]
Refs = Callable[[dict[str, Any]], Iterable[tuple[str, object]]]


@dataclass(frozen=True)
class Phrase:
    """How one action reads. `text` is a verb phrase with `{object}` where the object's linked
    name goes ("cancelled {object}"). `details` writes sentences from the changes (default:
    one "Field: old → new" per changed field, labelled by `fields`, hiding `hidden`); `refs`
    lists other objects the details name, resolved with the rest of the page."""

    text: str
    details: Details | None = None
    refs: Refs | None = None
    fields: Mapping[str, str] = field(default_factory=dict)
    hidden: frozenset[str] = frozenset()


@dataclass(frozen=True)
class AuditWords:
    """A context's vocabulary: the actions it records and the object types it owns."""

    phrases: Mapping[str, Phrase | str] = field(default_factory=dict)
    kinds: Sequence[ObjectKind] = ()

    def phrase(self, action: str) -> Phrase | None:
        value = self.phrases.get(action)
        return Phrase(value) if isinstance(value, str) else value


@dataclass(frozen=True)
class Line:
    """One entry as the dashboard shows it."""

    id: int
    when: datetime
    who: str
    sentence: SafeString  # "cancelled <a href=…>HT-10042</a>"
    details: list[str]
    object: Named | None
    action: str
    ip_address: str | None


# --- formatting helpers for phrases -------------------------------------------------------
def money_text(amount: object, currency: str) -> str:
    """Minor units as the store shows money (₹2,499.00); "—" for none."""
    if amount is None or amount == "":
        return "—"
    try:
        minor = int(amount)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return str(amount)
    if currency not in known_currencies():
        return f"{minor} {currency}".strip()
    return formatted(minor, currency, settings.HAAT_LOCALE)


def value_text(value: object) -> str:
    """A stored value in words: none as "—", yes/no, lists joined."""
    if value is None or value == "" or value == [] or value == {}:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        if len(value) > 6:
            return f"{len(value)} items"
        return ", ".join(value_text(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}: {value_text(v)}" for k, v in value.items())
    text = " ".join(str(value).split())
    return text if len(text) <= 120 else text[:119] + "…"  # a description, not its essay


def field_label(name: str, labels: Mapping[str, str] | None = None) -> str:
    if labels and name in labels:
        return labels[name]
    return name.replace("_ids", "s").replace("_id", "").replace("_", " ").capitalize()


def field_changes(
    changes: Mapping[str, Any],
    labels: Mapping[str, str] | None = None,
    hidden: Iterable[str] = (),
) -> list[str]:
    """The generic details: "Status: draft → active" for [old, new] pairs, "Note: …" else."""
    skip = set(hidden)
    rows = []
    for name, value in changes.items():
        if name in skip:
            continue
        label = field_label(name, labels)
        if isinstance(value, list | tuple) and len(value) == 2:
            old, new = value
            if old in (None, "", [], {}):
                rows.append(f"{label}: {value_text(new)}")
            else:
                rows.append(f"{label}: {value_text(old)} → {value_text(new)}")
        else:
            rows.append(f"{label}: {value_text(value)}")
    return rows


# --- rendering ------------------------------------------------------------------------------
def who(entry: AuditLogEntry) -> str:
    """The staff member's name (their e-mail only when they have no name); an API key's name;
    "Haat" for the system's own work."""
    user = entry.actor
    if user is not None:
        return user.full_name or user.email
    label = entry.actor_label or "system"
    if label.startswith("api-key:"):
        return f"API key “{label.removeprefix('api-key:')}”"
    if label in ("system", "anonymous"):
        return "Haat" if label == "system" else "A visitor"
    if label.startswith("cli:"):
        return f"The command line ({label.removeprefix('cli:')})"
    return label[:1].upper() + label[1:]


def describe(entries: Iterable[AuditLogEntry], words: Sequence[AuditWords]) -> list[Line]:
    """`entries` (with `actor` selected) as lines; one query per kind of object named."""
    entries = list(entries)
    phrases: dict[str, Phrase] = {}
    kinds: dict[str, ObjectKind] = {}
    for vocabulary in words:
        for action in vocabulary.phrases:
            phrase = vocabulary.phrase(action)
            if phrase is not None:
                phrases[action] = phrase
        kinds.update({k.object_type: k for k in vocabulary.kinds})

    wanted: dict[str, set[str]] = defaultdict(set)
    for e in entries:
        if e.object_id and e.object_type in kinds:
            wanted[e.object_type].add(e.object_id)
        phrase = phrases.get(e.action)
        if phrase and phrase.refs and isinstance(e.changes, dict):
            for object_type, object_id in _safe_refs(phrase.refs, e.changes):
                if object_type in kinds and object_id not in (None, ""):
                    wanted[object_type].add(str(object_id))
    resolved: dict[str, Mapping[str, Named]] = {}
    for object_type, ids in wanted.items():
        resolver = kinds[object_type].resolve
        resolved[object_type] = resolver(sorted(ids)) if resolver else {}
    names = Names(resolved)
    return [_line(e, phrases.get(e.action), kinds.get(e.object_type), names) for e in entries]


def _safe_refs(refs: Refs, changes: dict[str, Any]) -> list[tuple[str, object]]:
    # An old entry may predate the shape a phrase expects: it then names nothing extra.
    try:
        return list(refs(changes))
    except (AttributeError, KeyError, TypeError, ValueError):
        return []


def _line(e: AuditLogEntry, phrase: Phrase | None, kind: ObjectKind | None, names: Names) -> Line:
    named = names.get(e.object_type, e.object_id) if e.object_id else None
    if named is None and (e.object_repr or kind):
        named = Named(e.object_repr or (f"a {kind.noun}" if kind else ""))
    link = _link(named)
    changes = e.changes if isinstance(e.changes, dict) else {"change": e.changes}
    if phrase is None:
        # Never a bare code: an unknown action still reads as a sentence.
        sentence = format_html("did “{}” on {}", e.action.replace("_", " "), link)
        details = field_changes(changes)
    else:
        sentence = format_html(phrase.text.replace("{object}", "{0}"), link)
        view = Entry(changes, named, names)
        try:
            details = (
                phrase.details(view)
                if phrase.details
                else field_changes(changes, phrase.fields, phrase.hidden)
            )
        except (AttributeError, KeyError, TypeError, ValueError):
            details = field_changes(changes, phrase.fields, phrase.hidden)
    return Line(e.pk, e.created_at, who(e), sentence, details, named, e.action, e.ip_address)


def _link(named: Named | None) -> SafeString:
    if named is None or not named.label:
        return format_html("{}", "—")
    if named.url:
        return format_html('<a href="{}">{}</a>', named.url, named.label)
    return format_html("{}", named.label)
