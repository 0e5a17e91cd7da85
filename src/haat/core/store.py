"""The store's own details (name, legal name, logo, address, GSTIN, support contacts, time
zone): read everywhere through `store()`, changed only through `update_store()`.

Read on every dashboard page and pay page, so each process keeps a copy that the settings
stamp invalidates (`haat.core.settings_stamp`): a change made in one process shows in every
other on its next request. Until the details are first saved the store is called
HAAT_STORE_NAME (an initial default only) and uses the settings' time zone.
"""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass, fields
from functools import cache
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import validate_email
from django.db import transaction
from PIL import Image, UnidentifiedImageError

from haat.core import settings_stamp
from haat.core.audit import record_audit
from haat.core.error_codes import CoreError
from haat.core.errors import ValidationError
from haat.core.india import gstin_problem, state_name
from haat.core.models import StoreDetails

MAX_LOGO_BYTES = 2 * 1024 * 1024
LOGO_FORMATS = frozenset({"PNG", "JPEG", "WEBP"})
# field: (label for messages, max length, required)
TEXT_FIELDS: dict[str, tuple[str, int, bool]] = {
    "name": ("Store name", 100, True),
    "legal_name": ("Legal name", 200, False),
    "address_line1": ("Address", 200, False),
    "address_line2": ("Address line 2", 200, False),
    "city": ("City", 100, False),
    "state": ("State", 100, False),
    "postal_code": ("PIN code", 20, False),
    "country": ("Country", 2, True),
    "gstin": ("GSTIN", 15, False),
    "support_email": ("Support e-mail", 254, False),
    "support_phone": ("Support phone", 20, False),
    "time_zone": ("Time zone", 64, True),
}


@dataclass(frozen=True)
class Store:
    name: str
    legal_name: str = ""
    logo_url: str = ""
    address_line1: str = ""
    address_line2: str = ""
    city: str = ""
    state: str = ""
    postal_code: str = ""
    country: str = "IN"
    gstin: str = ""
    support_email: str = ""
    support_phone: str = ""
    time_zone: str = "Asia/Kolkata"

    @property
    def address_lines(self) -> list[str]:
        """The postal address as it is printed, one line per item, empty parts left out."""
        place = " ".join(p for p in (self.city, self.postal_code) if p)
        region = ", ".join(p for p in (place, self.state) if p)
        return [line for line in (self.address_line1, self.address_line2, region) if line]


def _default() -> Store:
    return Store(name=settings.HAAT_STORE_NAME, time_zone=settings.TIME_ZONE)


def _load() -> Store:
    row = StoreDetails.objects.filter(pk=1).first()
    if row is None:
        return _default()
    values = {f.name: getattr(row, f.name) for f in fields(Store) if f.name != "logo_url"}
    return Store(**values, logo_url=row.logo.url if row.logo else "")


_copy = settings_stamp.Stamped(_load)


def store(*, stamp: int | None = settings_stamp.NOT_READ) -> Store:
    """The store's details (one statement: the settings stamp, none when the caller read it
    already and passes it; the row only after a change)."""
    return _copy.get(stamp=stamp)


@cache
def time_zones() -> tuple[str, ...]:
    return tuple(sorted(zoneinfo.available_timezones()))


def _clean(data: dict[str, Any]) -> dict[str, str]:
    clean: dict[str, str] = {}
    for name, (label, limit, required) in TEXT_FIELDS.items():
        raw = data.get(name, "")
        if raw is None:
            raw = ""
        if not isinstance(raw, str):
            raise ValidationError(f"{label} must be text.", details={"field": name})
        value = " ".join(raw.split())
        if required and not value:
            raise ValidationError(f"{label} is required.", details={"field": name})
        if len(value) > limit:
            raise ValidationError(
                f"{label} must be at most {limit} characters.", details={"field": name}
            )
        clean[name] = value
    clean["country"] = clean["country"].upper()
    if clean["country"] == "IN" and clean["state"]:
        state = state_name(clean["state"])
        if state is None:
            raise ValidationError(
                f"'{clean['state']}' is not an Indian state or union territory.",
                code=CoreError.INVALID_STATE,
                details={"field": "state"},
            )
        clean["state"] = state
    clean["gstin"] = clean["gstin"].upper()
    if clean["gstin"]:
        if clean["country"] != "IN":
            raise ValidationError(
                "A GSTIN is only for a store in India.", details={"field": "gstin"}
            )
        problem = gstin_problem(clean["gstin"], state=clean["state"])
        if problem:
            raise ValidationError(problem, code=CoreError.INVALID_GSTIN, details={"field": "gstin"})
    if clean["support_email"]:
        try:
            validate_email(clean["support_email"])
        except Exception:
            raise ValidationError(
                "Support e-mail is not a valid address.", details={"field": "support_email"}
            ) from None
    if clean["time_zone"] not in time_zones():
        raise ValidationError(
            f"'{clean['time_zone']}' is not a time zone (e.g. Asia/Kolkata).",
            details={"field": "time_zone"},
        )
    return clean


def _check_logo(logo: UploadedFile) -> None:
    if logo.size > MAX_LOGO_BYTES:
        raise ValidationError("The logo must be at most 2 MB.", details={"field": "logo"})
    try:
        with Image.open(logo) as image:
            kind = image.format
            image.verify()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError):
        raise ValidationError(
            "The logo must be a PNG, JPEG or WebP image.", details={"field": "logo"}
        ) from None
    if kind not in LOGO_FORMATS:
        raise ValidationError(
            "The logo must be a PNG, JPEG or WebP image.", details={"field": "logo"}
        )
    logo.seek(0)


def update_store(
    *, data: dict[str, Any], logo: UploadedFile | None = None, remove_logo: bool = False
) -> Store:
    """Replace the store's details with `data` (every field; blank clears an optional one).
    ValidationError names the field and changes nothing."""
    clean = _clean(data)
    if logo is not None:
        _check_logo(logo)
    with transaction.atomic():
        row = StoreDetails.objects.select_for_update().filter(pk=1).first()
        before = _default() if row is None else _load()
        row = row or StoreDetails(pk=1)
        for name, value in clean.items():
            setattr(row, name, value)
        if remove_logo:
            row.logo = ""
        if logo is not None:
            row.logo.save(f"logo-{logo.name}"[:90], logo, save=False)
        row.save()  # tracked: moves the settings stamp in this transaction
        changes = {
            name: [getattr(before, name), value]
            for name, value in clean.items()
            if getattr(before, name) != value
        }
        if logo is not None or remove_logo:
            changes["logo"] = [bool(before.logo_url), logo is not None]
        record_audit(action="store.update", obj=row, changes=changes)
    return store()
