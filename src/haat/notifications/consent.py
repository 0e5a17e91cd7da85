"""Consent per customer address and channel, transactional vs marketing.

No row means the default: transactional messages (about an order the customer placed)
are allowed, marketing needs an opt-in. Every change is kept in `ConsentChange` with its
time and source. A WhatsApp "STOP" withdraws both purposes on WhatsApp (the customer asked
for no more WhatsApp messages; order updates still go by e-mail, and a COD confirmation
falls back to its e-mail link); "START" allows order updates again.
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.utils import timezone

from haat.notifications.models import Consent, ConsentChange, Purpose

# Templates that sell rather than report on an order (none ship yet; a review request or
# offers would). Everything else is transactional.
MARKETING_TEMPLATES: frozenset[str] = frozenset({"review_request", "offer"})
STOP_WORDS = frozenset({"STOP", "STOP ALL", "UNSUBSCRIBE", "CANCEL ALL", "रोकें"})
START_WORDS = frozenset({"START", "UNSTOP"})


def purpose_of(template_key: str) -> str:
    return Purpose.MARKETING if template_key in MARKETING_TEMPLATES else Purpose.TRANSACTIONAL


def _address(address: str) -> str:
    return address.strip().lower()


def granted(row: Consent | None, purpose: str) -> bool:
    """What a consent row (or its absence: the default) says about `purpose`."""
    if row is None:
        return purpose == Purpose.TRANSACTIONAL
    return row.granted


def allowed(*, channel: str, address: str, purpose: str) -> bool:
    row = Consent.objects.filter(
        channel=channel, address=_address(address), purpose=purpose
    ).first()
    return granted(row, purpose)


def rows(*, addresses: set[str]) -> dict[tuple[str, str, str], Consent]:
    """The consent rows of `addresses` on every channel, by (channel, address, purpose), in
    one statement (none for no addresses): the queueing of a batch reads them once."""
    if not addresses:
        return {}
    found = Consent.objects.filter(address__in={_address(a) for a in addresses})
    return {(r.channel, r.address, r.purpose): r for r in found}


def record(
    *, channel: str, address: str, purpose: str, granted: bool, source: str, detail: str = ""
) -> bool:
    """Set consent; returns whether it changed (a repeated STOP records nothing new)."""
    address, now = _address(address), timezone.now()
    with transaction.atomic():
        row = (
            Consent.objects.select_for_update()
            .filter(channel=channel, address=address, purpose=purpose)
            .first()
        )
        if row is not None and row.granted == granted:
            return False
        Consent.objects.update_or_create(
            channel=channel,
            address=address,
            purpose=purpose,
            defaults={"granted": granted, "source": source, "changed_at": now},
        )
        ConsentChange.objects.create(
            channel=channel,
            address=address,
            purpose=purpose,
            granted=granted,
            source=source,
            detail=detail[:300],
            changed_at=now,
        )
    return True


# --- one-click unsubscribe from marketing e-mail (RFC 8058) ---------------------------------
_UNSUBSCRIBE = signing.Signer(salt="haat.notifications.unsubscribe")


def unsubscribe_token(address: str) -> str:
    return _UNSUBSCRIBE.sign(f"email:{_address(address)}")


def parse_unsubscribe_token(token: str) -> str | None:
    """The e-mail address a token was made for, or None when forged or altered."""
    try:
        value = _UNSUBSCRIBE.unsign(token or "")
    except signing.BadSignature:
        return None
    kind, _, address = value.partition(":")
    return address if kind == "email" and address else None


def unsubscribe_url(address: str) -> str:
    base = str(getattr(settings, "HAAT_BASE_URL", "") or "").rstrip("/")
    return f"{base}/unsubscribe/{unsubscribe_token(address)}"


def unsubscribe_headers(address: str) -> dict[str, str]:
    """RFC 2369 + RFC 8058: mail clients show "Unsubscribe" and POST to the link."""
    return {
        "List-Unsubscribe": f"<{unsubscribe_url(address)}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
