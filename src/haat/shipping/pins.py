"""Serviceable PIN codes: the merchant's CSV upload, and the answer for one PIN.

Where a PIN's answer comes from, first match wins:
1. the merchant's list (a row for the PIN says prepaid and/or cash on delivery);
2. Shiprocket, when an API user is configured (`shiprocket.py`);
3. the merchant's list again: when it has rows, a PIN that is not on it is not served;
4. otherwise (no list, no Shiprocket) every PIN is served.
When Shiprocket fails or is slow the PIN counts as served ("unchecked"), logged: a courier
API outage must not stop every sale. Only Indian addresses have PIN codes to check.

The upload is all-or-nothing (every row is checked before any is written; errors name the
row as a spreadsheet shows it) and a blank cell never deletes or changes what is stored:
only a `remove` cell saying yes takes a PIN off the list.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import BinaryIO, Literal

from django.db import transaction
from django.utils import timezone

from haat.core import csv_files, settings_stamp
from haat.core.audit import record_audit
from haat.core.errors import ValidationError
from haat.shipping import shiprocket
from haat.shipping.models import ServiceablePin

COLUMNS = ("pin", "prepaid", "cod", "city", "state", "remove")
MAX_ROWS = 50_000
MAX_BYTES = 5 * 1024 * 1024
_PIN = re.compile(r"^[1-9][0-9]{5}$")
_YES = {"yes", "y", "true", "1"}
_NO = {"no", "n", "false", "0"}
Source = Literal["list", "shiprocket", "unchecked"]


@dataclass(frozen=True)
class Serviceability:
    prepaid: bool
    cod: bool
    source: Source


def valid_pin(raw: str) -> bool:
    return bool(_PIN.match(raw or ""))


def serviceability(
    *, pin: str, weight_grams: int, pin_list: bool, use_shiprocket: bool
) -> Serviceability:
    """Whether parcels reach `pin` (prepaid, cash on delivery), given whether the merchant's
    list has rows and Shiprocket is on (`config.ShippingConfig`). One query when there is
    a list, plus the account and a Shiprocket call (cached) for a PIN off the list."""
    if pin_list:
        listed = ServiceablePin.objects.filter(pin=pin).values_list("prepaid", "cod").first()
        if listed is not None:
            return Serviceability(prepaid=listed[0], cod=listed[1], source="list")
    account = shiprocket.account() if use_shiprocket else None
    if account is not None:
        try:
            answer = shiprocket.check_pin(account, pin=pin, weight_grams=weight_grams)
        except shiprocket.ShiprocketFailed:
            return Serviceability(prepaid=True, cod=True, source="unchecked")
        return Serviceability(prepaid=answer.prepaid, cod=answer.cod, source="shiprocket")
    if pin_list:
        return Serviceability(prepaid=False, cod=False, source="list")
    return Serviceability(prepaid=True, cod=True, source="unchecked")


@dataclass(frozen=True)
class ImportResult:
    added: int
    updated: int
    removed: int
    unchanged: int


@dataclass(frozen=True)
class _Row:
    number: int
    pin: str
    prepaid: bool | None
    cod: bool | None
    city: str
    state: str
    remove: bool


def _flag(raw: str, number: int, column: str, errors: list[dict]) -> bool | None:
    value = raw.strip().lower()
    if not value:
        return None
    if value in _YES:
        return True
    if value in _NO:
        return False
    errors.append(
        {"row": number, "field": column, "message": f"{column} must be yes or no, not '{raw}'."}
    )
    return None


def _read(text: str) -> list[_Row]:
    table = list(csv_files.records(text))
    header = [h.strip().lower() for h in (table[0][1] if table else [])]
    if "pin" not in header:
        raise ValidationError(
            "The header must have a pin column (and any of prepaid, cod, city, state, remove).",
            details={"field": "file"},
        )
    unknown = [h for h in header if h not in COLUMNS]
    if unknown:
        raise ValidationError(
            f"Unknown column {unknown[0]}: the columns are {', '.join(COLUMNS)}.",
            details={"field": "file"},
        )
    if len(table) - 1 > MAX_ROWS:
        raise ValidationError(f"At most {MAX_ROWS:,} rows per file.", details={"field": "file"})
    errors: list[dict] = []
    rows: list[_Row] = []
    seen: dict[str, int] = {}
    for number, cells in table[1:]:
        cell = dict(zip(header, cells, strict=True))
        pin = cell["pin"].strip()
        if not valid_pin(pin):
            errors.append(
                {"row": number, "field": "pin", "message": f"'{pin}' is not a six-digit PIN code."}
            )
            continue
        if pin in seen:
            errors.append(
                {"row": number, "field": "pin", "message": f"{pin} is also on row {seen[pin]}."}
            )
            continue
        seen[pin] = number
        prepaid = _flag(cell.get("prepaid", ""), number, "prepaid", errors)
        cod = _flag(cell.get("cod", ""), number, "cod", errors)
        remove = _flag(cell.get("remove", ""), number, "remove", errors)
        city, state = cell.get("city", "").strip(), cell.get("state", "").strip()
        if len(city) > 100 or len(state) > 100:
            errors.append(
                {
                    "row": number,
                    "field": "city",
                    "message": "City and state: 100 characters at most.",
                }
            )
        rows.append(_Row(number, pin, prepaid, cod, city[:100], state[:100], bool(remove)))
    if errors:
        first = errors[0]
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        raise ValidationError(
            f"Row {first['row']}: {first['message']}{more} Nothing was changed.",
            details={"field": "file", "row": first["row"], "rows": errors[:100]},
        )
    return rows


def import_csv(*, file: BinaryIO) -> ImportResult:
    """Add, change or remove serviceable PINs from a CSV (see the module docstring)."""
    raw = file.read(MAX_BYTES + 1)
    if len(raw) > MAX_BYTES:
        raise ValidationError("The file is larger than 5 MB.", details={"field": "file"})
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError("The file is not UTF-8 text.", details={"field": "file"}) from None
    rows = _read(text)
    with transaction.atomic():
        existing = {
            p.pin: p
            for chunk in range(0, len(rows), 5000)
            for p in ServiceablePin.objects.select_for_update().filter(
                pin__in=[r.pin for r in rows[chunk : chunk + 5000]]
            )
        }
        new, changed, gone = [], [], []
        now = timezone.now()
        unchanged = 0
        for row in rows:
            pin = existing.get(row.pin)
            if row.remove:
                if pin is not None:
                    gone.append(pin.pk)
                continue
            if pin is None:
                new.append(
                    ServiceablePin(
                        pin=row.pin,
                        prepaid=True if row.prepaid is None else row.prepaid,
                        cod=True if row.cod is None else row.cod,
                        city=row.city,
                        state=row.state,
                    )
                )
                continue
            before = (pin.prepaid, pin.cod, pin.city, pin.state)
            # A blank cell keeps what is stored.
            if row.prepaid is not None:
                pin.prepaid = row.prepaid
            if row.cod is not None:
                pin.cod = row.cod
            pin.city = row.city or pin.city
            pin.state = row.state or pin.state
            if (pin.prepaid, pin.cod, pin.city, pin.state) != before:
                pin.updated_at = now
                changed.append(pin)
            else:
                unchanged += 1
        ServiceablePin.objects.bulk_create(new, batch_size=1000)
        ServiceablePin.objects.bulk_update(
            changed, ["prepaid", "cod", "city", "state", "updated_at"], batch_size=1000
        )
        for chunk in range(0, len(gone), 5000):
            ServiceablePin.objects.filter(pk__in=gone[chunk : chunk + 5000]).delete()
        result = ImportResult(
            added=len(new), updated=len(changed), removed=len(gone), unchanged=unchanged
        )
        settings_stamp.bump()  # bulk writes send no signal; quotes must see the new list
        record_audit(
            action="shipping.pins.import",
            object_type="shipping.serviceablepin",
            object_repr="Serviceable PIN codes",
            changes={"added": result.added, "updated": result.updated, "removed": result.removed},
        )
    return result


def delete_pin(*, pin: ServiceablePin) -> None:
    with transaction.atomic():
        record_audit(action="shipping.pin.delete", obj=pin, changes={"pin": pin.pin})
        pin.delete()
