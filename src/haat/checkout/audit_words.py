"""How the audit log reads a refused checkout (see `haat.core.audit_words`)."""

from __future__ import annotations

from haat.core.audit_words import AuditWords, Entry, ObjectKind, Phrase
from haat.payments.models import PaymentType


def _refused(e: Entry) -> list[str]:
    rows = [f"Reason: {e.changes.get('reason') or 'not given'}"]
    if e.changes.get("payment_type"):
        try:
            rows.append(f"Payment: {PaymentType(e.changes['payment_type']).label}")
        except ValueError:
            rows.append(f"Payment: {e.changes['payment_type']}")
    place = ", ".join(str(e.changes[k]) for k in ("state", "country") if e.changes.get(k))
    if place:
        rows.append(f"Delivery to: {place}")
    return rows


WORDS = AuditWords(
    phrases={"checkout.refused": Phrase("could not check out ({object})", _refused)},
    kinds=(
        ObjectKind("checkout.cart", "cart"),
        ObjectKind("checkout.buy_now", "buy now"),
    ),
)
