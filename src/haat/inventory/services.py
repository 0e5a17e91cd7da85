"""Staff stock writes: receive, adjust, transfer, set counts; thresholds; "notify me".

Every write validates its input first, then locks all StockLevel rows of the variants
(one ordered query), changes them with ledger rows, records crossings and an audit entry,
all in one transaction. Locations live in `locations.py`, bulk/CSV in `bulk.py`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import phonenumbers
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone

from haat.catalog.error_codes import CatalogError
from haat.catalog.models import Variant
from haat.core.audit import record_audit
from haat.core.errors import NotFound, ValidationError
from haat.core.field_words import field_label
from haat.core.outbox import emit
from haat.core.staff_notes import clean_note
from haat.inventory import alerts
from haat.inventory.error_codes import InventoryError
from haat.inventory.events import BackInStockSubscribed
from haat.inventory.ledger import (
    Change,
    apply_changes,
    available_totals,
    clean_quantity,
    lock_levels,
)
from haat.inventory.models import (
    BackInStockSubscription,
    Location,
    LowStockThreshold,
    StockMovement,
)
from haat.inventory.sql import LockedLevel

MAX_THRESHOLD = 100_000

R = StockMovement.Reason
# Reasons staff may pick on the adjust form, and the sign each one allows.
ADJUST_REASONS: dict[str, int] = {
    R.ADJUSTMENT: 0,  # either sign
    R.CUSTOMER_RETURN: 1,
    R.RTO: 1,
    R.WRITE_OFF: -1,
}


def get_variant(variant_id: object, *, field: str = "variant_id") -> Variant:
    if isinstance(variant_id, bool) or not isinstance(variant_id, int):
        raise ValidationError(f"Choose the {field_label(field).lower()}.", details={"field": field})
    variant = Variant.objects.filter(pk=variant_id).only("id", "sku", "is_active").first()
    if variant is None:
        raise ValidationError(
            f"Unknown variant {variant_id}.",
            code=CatalogError.UNKNOWN_VARIANT,
            details={"field": field},
        )
    if not variant.is_active:
        raise ValidationError(
            f"Variant {variant.sku} is inactive.",
            code=CatalogError.INACTIVE_VARIANT,
            details={"field": field},
        )
    return variant


def get_location(location_id: object, *, field: str, active: bool = True) -> Location:
    if isinstance(location_id, bool) or not isinstance(location_id, int):
        raise ValidationError(f"Choose the {field_label(field).lower()}.", details={"field": field})
    location = Location.objects.filter(pk=location_id).first()
    if location is None:
        raise ValidationError(f"Unknown location {location_id}.", details={"field": field})
    if active and not location.is_active:
        raise ValidationError(f"Location {location.name} is inactive.", details={"field": field})
    return location


def write_changes(
    changes: list[Change],
    *,
    action: str,
    audit_obj: object = None,
    check: Callable[[dict[tuple[int, int], LockedLevel]], None] | None = None,
) -> dict[tuple[int, int], LockedLevel]:
    """Lock, (check,) apply, record crossings and one audit entry. `check` sees the locked
    rows, so a decision based on current stock is never made on a stale read."""
    ids = {c.variant_id for c in changes}
    with transaction.atomic():
        levels = lock_levels(ids, ensure=[(c.variant_id, c.location_id) for c in changes])
        if check is not None:
            check(levels)
        before = available_totals(levels, ids)
        apply_changes(levels, changes)
        alerts.record_crossings(before, available_totals(levels, ids))
        record_audit(
            action=action,
            obj=audit_obj if audit_obj is not None else None,
            object_type="" if audit_obj is not None else "inventory.stocklevel",
            object_id="" if audit_obj is not None else "bulk",
            changes={
                "lines": [
                    {
                        "variant_id": c.variant_id,
                        "location_id": c.location_id,
                        "quantity": c.on_hand,
                        "reason": c.reason,
                        "note": c.note,
                    }
                    for c in changes
                ]
            },
        )
    return levels


def receive_stock(
    *, variant_id: int, location_id: int, quantity: int, note: str = "", reference: str = ""
) -> LockedLevel:
    """Goods arrived at a location (a receipt / restock ledger row)."""
    variant = get_variant(variant_id)
    location = get_location(location_id, field="location_id")
    quantity = clean_quantity(quantity, field="quantity")
    change = Change(
        variant.pk,
        location.pk,
        on_hand=quantity,
        reason=R.RECEIPT,
        note=clean_note(note),
        reference=(reference or "")[:100],
    )
    levels = write_changes([change], action="stock.receive", audit_obj=variant)
    return levels[(variant.pk, location.pk)]


def adjust_stock(
    *,
    variant_id: int,
    location_id: int,
    quantity: int,
    reason: str,
    note: str,
    reference: str = "",
) -> LockedLevel:
    """A counted correction, customer return, RTO or write-off; `quantity` is signed.
    `reference` ties the ledger row to what caused it (e.g. a cancelled order's number)."""
    if reason not in ADJUST_REASONS:
        raise ValidationError(
            f"Reason must be one of {', '.join(ADJUST_REASONS)}.", details={"field": "reason"}
        )
    variant = get_variant(variant_id)
    location = get_location(location_id, field="location_id", active=False)
    quantity = clean_quantity(quantity, field="quantity", allow_negative=True)
    sign = ADJUST_REASONS[reason]
    if sign and (quantity > 0) != (sign > 0):
        word = "positive" if sign > 0 else "negative"
        raise ValidationError(
            f"A {reason.replace('_', ' ')} quantity must be {word}.", details={"field": "quantity"}
        )
    if quantity > 0 and not location.is_active:
        raise ValidationError(
            f"Location {location.code} is inactive.", details={"field": "location_id"}
        )
    change = Change(
        variant.pk,
        location.pk,
        on_hand=quantity,
        reason=reason,
        note=clean_note(note, required=reason == R.ADJUSTMENT),
        reference=(reference or "")[:100],
    )
    levels = write_changes([change], action="stock.adjust", audit_obj=variant)
    return levels[(variant.pk, location.pk)]


def transfer_stock(
    *, variant_id: int, from_location_id: int, to_location_id: int, quantity: int, note: str = ""
) -> tuple[LockedLevel, LockedLevel]:
    """Move units between locations: both ledger legs in one transaction. Only available
    units move; a transfer larger than that is refused and changes nothing."""
    variant = get_variant(variant_id)
    source = get_location(from_location_id, field="from_location_id", active=False)
    target = get_location(to_location_id, field="to_location_id")
    if source.pk == target.pk:
        raise ValidationError("Pick two different locations.", details={"field": "to_location_id"})
    quantity = clean_quantity(quantity, field="quantity")
    note = clean_note(note)
    ref = f"transfer:{source.code}->{target.code}"
    changes = [
        Change(
            variant.pk,
            source.pk,
            on_hand=-quantity,
            reason=R.TRANSFER_OUT,
            note=note,
            reference=ref,
        ),
        Change(
            variant.pk, target.pk, on_hand=quantity, reason=R.TRANSFER_IN, note=note, reference=ref
        ),
    ]

    def check(levels: dict[tuple[int, int], LockedLevel]) -> None:
        available = levels[(variant.pk, source.pk)].available
        if quantity > available:
            raise ValidationError(
                f"Only {available} available at {source.code}; cannot transfer {quantity}.",
                code=InventoryError.INSUFFICIENT_STOCK,
                details={"field": "quantity", "available": available},
            )

    levels = write_changes(changes, action="stock.transfer", audit_obj=variant, check=check)
    return levels[(variant.pk, source.pk)], levels[(variant.pk, target.pk)]


def set_low_stock_threshold(*, variant_id: int, threshold: int | None) -> int:
    """Per-variant threshold; None returns the variant to the store default."""
    variant = get_variant(variant_id)
    if threshold is not None and (
        isinstance(threshold, bool)
        or not isinstance(threshold, int)
        or not 0 <= threshold <= MAX_THRESHOLD
    ):
        raise ValidationError(
            "Threshold must be a whole number from 0 to 100,000.", details={"field": "threshold"}
        )
    with transaction.atomic():
        old = LowStockThreshold.objects.filter(variant=variant).first()
        before = old.threshold if old else None
        if threshold is None:
            LowStockThreshold.objects.filter(variant=variant).delete()
        else:
            LowStockThreshold.objects.update_or_create(
                variant=variant, defaults={"threshold": threshold}
            )
        record_audit(
            action="stock.threshold", obj=variant, changes={"threshold": [before, threshold]}
        )
    return threshold if threshold is not None else alerts.default_threshold()


@dataclass(frozen=True)
class Subscribed:
    subscription: BackInStockSubscription
    already_subscribed: bool


def clean_contact(email: str, phone: str) -> tuple[str, str]:
    email, phone = (email or "").strip().lower(), (phone or "").strip()
    if not email and not phone:
        raise ValidationError(
            "Give an e-mail address or a phone number.", details={"field": "email"}
        )
    if email:
        try:
            validate_email(email)
        except DjangoValidationError:
            raise ValidationError(
                "Enter a valid e-mail address.", details={"field": "email"}
            ) from None
    if phone:
        try:
            parsed = phonenumbers.parse(phone, "IN")
        except phonenumbers.NumberParseException:
            parsed = None
        if parsed is None or not phonenumbers.is_valid_number(parsed):
            raise ValidationError("Enter a valid phone number.", details={"field": "phone"})
        phone = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    return email, phone


def subscribe_back_in_stock(*, variant_id: int, email: str = "", phone: str = "") -> Subscribed:
    """One subscription per (variant, e-mail) and (variant, phone); a repeat is reported,
    and one already notified is re-armed for the next time stock returns."""
    email, phone = clean_contact(email, phone)
    variant = Variant.objects.filter(pk=variant_id, is_active=True).first()
    if variant is None:
        raise NotFound(f"No variant with id {variant_id}.", details={"field": "variant_id"})
    match = BackInStockSubscription.objects.filter(variant=variant)
    existing = (match.filter(email=email).first() if email else None) or (
        match.filter(phone=phone).first() if phone else None
    )
    if existing is not None and existing.notified_at is None:
        return Subscribed(existing, True)
    try:
        with transaction.atomic():
            if existing is not None:
                existing.notified_at = None
                existing.save(update_fields=["notified_at"])
                return Subscribed(existing, False)
            sub = BackInStockSubscription.objects.create(variant=variant, email=email, phone=phone)
            emit(
                BackInStockSubscribed(variant_id=variant.pk, subscription_id=sub.pk), aggregate=sub
            )
    except IntegrityError:  # a concurrent identical request won the insert
        existing = match.filter(email=email).first() if email else match.filter(phone=phone).first()
        return Subscribed(existing, True)
    return Subscribed(sub, False)


def mark_back_in_stock_notified(*, subscription_id: int) -> bool:
    """Stamp a subscription notified when a message to it was queued (the notifications
    consumer, in its transaction). False when it already was: that restock was told."""
    return bool(
        BackInStockSubscription.objects.filter(pk=subscription_id, notified_at__isnull=True).update(
            notified_at=timezone.now()
        )
    )
