"""How the audit log reads the core context's own actions (store details, currencies,
outbox) and names its objects; see `haat.core.audit_words` for the mechanism."""

from __future__ import annotations

from collections.abc import Mapping

from django.urls import reverse

from haat.core.audit_words import AuditWords, Entry, Named, ObjectKind, Phrase, field_changes
from haat.core.models import Currency
from haat.core.store import TEXT_FIELDS


def _currencies(ids: list[str]) -> Mapping[str, Named]:
    url = reverse("core:currency_list")
    rows = Currency.objects.filter(code__in=ids).values_list("code", "name")
    return {code: Named(f"{name} ({code})", url) for code, name in rows}


def _store_details(ids: list[str]) -> Mapping[str, Named]:
    return {i: Named("the store details", reverse("core:store_details")) for i in ids}


def _store(e: Entry) -> list[str]:
    labels = {name: label for name, (label, _, _) in TEXT_FIELDS.items()}
    return field_changes(e.changes, {**labels, "logo": "Logo"})


def _reordered(e: Entry) -> list[str]:
    return [f"{code}: position {pair[0]} → {pair[1]}" for code, pair in e.changes.items()]


WORDS = AuditWords(
    phrases={
        "store.update": Phrase("edited {object}", _store),
        "currency.enabled": Phrase("turned on {object}", lambda e: []),
        "currency.disabled": Phrase("turned off {object}", lambda e: []),
        "currency.default_set": Phrase("made {object} the default currency", lambda e: []),
        "currency.default_unset": Phrase("unset {object} as the default currency", lambda e: []),
        "currency.reordered": Phrase("reordered the currencies", _reordered),
        "currency.display_order_set": Phrase(
            "moved {object} in the list of currencies", fields={"display_order": "Position"}
        ),
        "outbox.retried": Phrase("retried the delivery of {object}", lambda e: []),
    },
    kinds=(
        ObjectKind("core.currency", "currency", _currencies),
        ObjectKind("core.storedetails", "store details", _store_details),
        ObjectKind("core.outboxevent", "event"),
    ),
)
