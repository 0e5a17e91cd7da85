"""How the audit log reads GST changes (see `haat.core.audit_words`): "set the GST rate of
Apparel (category)" with "Rate: 5 % GST → 12 % GST" underneath."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from haat.core.audit_words import AuditWords, Entry, ObjectKind, Phrase
from haat.tax.selectors import rate_label


def _label(rate: object, cess: object) -> str:
    if rate is None:
        return "none"
    try:
        return rate_label(int(rate), Decimal(str(cess or 0)))  # type: ignore[call-overload]
    except (InvalidOperation, TypeError, ValueError):
        return str(rate)


def _pair(changes: dict, name: str) -> tuple[object, object]:
    value = changes.get(name)
    return tuple(value) if isinstance(value, list | tuple) and len(value) == 2 else (None, None)  # type: ignore[return-value]


def _rate_sentences(e: Entry) -> list[str]:
    """ "Rate: 5 % GST → 28 % GST + 12 % cess" (services record both rate and cess)."""
    (old_rate, new_rate), (old_cess, new_cess) = _pair(e.changes, "rate"), _pair(e.changes, "cess")
    if old_rate is None and new_rate is None:
        return []
    return [f"Rate: {_label(old_rate, old_cess)} → {_label(new_rate, new_cess)}"]


def _settings_sentences(e: Entry) -> list[str]:
    rows = []
    if "prices_include_tax" in e.changes:
        _, new = _pair(e.changes, "prices_include_tax")
        rows.append("Prices include GST" if new else "Prices exclude GST: it is added at checkout")
    if "default_rate" in e.changes or "default_cess" in e.changes:
        _, rate = _pair(e.changes, "default_rate")
        _, cess = _pair(e.changes, "default_cess")
        rows.append(f"Default rate: {_label(rate, cess) if rate is not None else 'changed'}")
    return rows


WORDS = AuditWords(
    phrases={
        "tax.rate_set": Phrase("set the GST rate of {object}", _rate_sentences),
        "tax.rate_clear": Phrase("removed the GST rate of {object}", _rate_sentences),
        "tax.settings_update": Phrase("changed the tax settings", _settings_sentences),
    },
    kinds=(
        ObjectKind("tax.gstrate", "GST rate"),
        ObjectKind("tax.taxsettings", "tax settings"),
    ),
)
