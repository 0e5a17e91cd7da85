"""Couriers: the seeded five and the store's own, their tracking links and AWB checks.

The AWB shapes are what each courier prints on its labels (Delhivery 14-digit waybills,
Blue Dart 11-digit, DTDC one letter and 8 digits, India Post's UPU S10 `EA123456789IN`);
Shiprocket hands out the AWB of whichever courier it books, so its check is loose. A
store can edit both per courier; a custom courier without a pattern accepts any AWB of
letters, digits and dashes.
"""

from __future__ import annotations

import re

from django.db import IntegrityError, transaction

from haat.core.audit import record_audit
from haat.core.errors import Conflict, NotFound, ValidationError
from haat.fulfillment.error_codes import FulfilmentError
from haat.fulfillment.models import Courier

ANY_AWB = re.compile(r"[A-Za-z0-9-]{4,40}")

# (code, name, tracking URL template, AWB pattern, hint): seeded by migration 0002.
SEEDED: tuple[tuple[str, str, str, str, str], ...] = (
    (
        "shiprocket",
        "Shiprocket",
        "https://shiprocket.co/tracking/{awb}",
        r"[A-Z0-9]{8,20}",
        "8 to 20 letters or digits",
    ),
    (
        "delhivery",
        "Delhivery",
        "https://www.delhivery.com/track-v2/package/{awb}",
        r"\d{13,14}",
        "13 or 14 digits",
    ),
    (
        "bluedart",
        "Blue Dart",
        "https://www.bluedart.com/web/guest/trackdartresultthirdparty?trackFor=0&trackNo={awb}",
        r"\d{11}",
        "11 digits",
    ),
    (
        "dtdc",
        "DTDC",
        "https://www.dtdc.in/trace.asp?strCnno={awb}",
        r"[A-Z]\d{8}",
        "a letter and 8 digits, like D12345678",
    ),
    (
        "indiapost",
        "India Post",
        "https://www.indiapost.gov.in/_layouts/15/dop.portal.tracking/trackconsignment.aspx?consignment={awb}",
        r"[A-Z]{2}\d{9}IN",
        "2 letters, 9 digits and IN, like EA123456789IN",
    ),
)


def seed_couriers() -> None:
    """The seeded five again (migration 0002 seeds them; tests whose database was flushed
    put them back with this)."""
    for code, name, url, pattern, hint in SEEDED:
        Courier.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "tracking_url": url,
                "awb_pattern": pattern,
                "awb_hint": hint,
                "built_in": True,
            },
        )


def normalise_awb(awb: str) -> str:
    return "".join((awb or "").split()).upper()


def check_awb(courier: Courier, awb: str) -> str:
    """The AWB without spaces, upper-cased, or a ValidationError naming the expected shape."""
    value = normalise_awb(awb)
    pattern = courier.awb_pattern or ANY_AWB.pattern
    try:
        ok = bool(value) and re.fullmatch(pattern, value) is not None
    except re.error:  # a bad custom pattern must not lock staff out of shipping
        ok = ANY_AWB.fullmatch(value) is not None
    if not ok:
        shape = courier.awb_hint or "letters, digits and dashes"
        raise ValidationError(
            f"“{awb}” is not a {courier.name} tracking number ({shape}).",
            code=FulfilmentError.INVALID_AWB,
            details={"field": "awb", "courier": courier.code},
        )
    return value


def courier_by_code(code: str) -> Courier:
    courier = Courier.objects.filter(code=(code or "").strip().lower(), is_active=True).first()
    if courier is None:
        raise NotFound(f"No active courier '{code}'.", code=FulfilmentError.COURIER_NOT_FOUND)
    return courier


def active_couriers() -> list[Courier]:
    return list(Courier.objects.filter(is_active=True))


def create_courier(
    *, code: str, name: str, tracking_url: str = "", awb_pattern: str = ""
) -> Courier:
    """A store's own courier (a local delivery partner)."""
    code = (code or "").strip().lower()
    name = (name or "").strip()
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]{1,39}", code):
        raise ValidationError(
            "A courier code is 2 to 40 lower-case letters, digits or dashes.",
            details={"field": "code"},
        )
    if not name or len(name) > 100:
        raise ValidationError("Name the courier (up to 100 characters).", details={"field": "name"})
    tracking_url = (tracking_url or "").strip()
    if tracking_url and (
        "{awb}" not in tracking_url or not tracking_url.startswith(("https://", "http://"))
    ):
        raise ValidationError(
            "The tracking link is a web address with {awb} where the tracking number goes.",
            details={"field": "tracking_url"},
        )
    if awb_pattern:
        try:
            re.compile(awb_pattern)
        except re.error as exc:
            raise ValidationError(
                "The AWB pattern is not a valid regular expression.",
                details={"field": "awb_pattern"},
            ) from exc
    try:
        with transaction.atomic():
            courier = Courier.objects.create(
                code=code, name=name, tracking_url=tracking_url, awb_pattern=awb_pattern
            )
            record_audit(action="courier.create", obj=courier, changes={"name": name})
    except IntegrityError as exc:
        raise Conflict(
            f"A courier '{code}' already exists.", code=FulfilmentError.DUPLICATE_COURIER
        ) from exc
    return courier
