"""Bulk stock counts, from a form, JSON or a CSV file: validate every row, then apply all.

Rows set an absolute count, `sku,location,on_hand` (location by code): the result of
a stock-take. Absolute counts make an import safe to re-run (the second run changes
nothing) and each difference is written as an `adjustment` ledger row with the note.
A file with any bad row changes nothing; the report says what each row did or why not.
A blank count leaves that SKU's stock as it is (a count sheet where only some rows were
counted): never read as zero. To set zero, write 0.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import BinaryIO

from django.db import transaction

from haat.catalog.models import Variant
from haat.core import csv_files
from haat.core.audit import record_audit
from haat.core.errors import ValidationError
from haat.inventory import alerts
from haat.inventory.ledger import (
    MAX_QUANTITY,
    Change,
    apply_changes,
    available_totals,
    lock_levels,
)
from haat.inventory.models import Location, StockMovement

MAX_ROWS = 5000
COLUMNS = ("sku", "location", "on_hand")


@dataclass
class RowResult:
    row: int
    sku: str
    location: str
    on_hand: int | None = None
    previous: int | None = None
    status: str = "pending"  # updated | unchanged | error | pending (not applied)
    message: str = ""


@dataclass
class BulkReport:
    rows: list[RowResult] = field(default_factory=list)
    applied: bool = False

    @property
    def errors(self) -> list[RowResult]:
        return [r for r in self.rows if r.status == "error"]

    @property
    def updated(self) -> int:
        return sum(r.status == "updated" for r in self.rows)


def _parse_count(raw: object) -> int:
    if isinstance(raw, bool):
        raise ValueError
    if isinstance(raw, int):
        return raw
    text = str(raw).strip()
    if not text.lstrip("-").isdigit():
        raise ValueError
    return int(text)


def set_counts(*, rows: list[dict], note: str, first_row: int = 1) -> BulkReport:
    """Validate all rows ({"sku", "location", "on_hand"}), then apply all or none."""
    note = (note or "").strip()[:500] or "Bulk stock update"
    if not rows:
        raise ValidationError("No rows to import.", details={"field": "rows"})
    if len(rows) > MAX_ROWS:
        raise ValidationError(f"At most {MAX_ROWS} rows at once.", details={"field": "rows"})
    report = BulkReport()
    skus = {str(r.get("sku", "")).strip() for r in rows}
    codes = {str(r.get("location", "")).strip().lower() for r in rows}
    variants = {
        v.sku: v for v in Variant.objects.filter(sku__in=skus).only("id", "sku", "is_active")
    }
    locations = {loc.code: loc for loc in Location.objects.filter(code__in=codes)}
    seen: set[tuple[str, str]] = set()
    parsed: list[tuple[RowResult, Variant, Location]] = []
    for i, raw in enumerate(rows, start=first_row):
        sku, code = str(raw.get("sku", "")).strip(), str(raw.get("location", "")).strip().lower()
        result = RowResult(row=i, sku=sku, location=code)
        report.rows.append(result)
        variant, location = variants.get(sku), locations.get(code)
        blank = raw.get("on_hand") is None or str(raw.get("on_hand")).strip() == ""
        try:
            count = None if blank else _parse_count(raw.get("on_hand", ""))
        except ValueError:
            count = None
        problem = (
            "unknown SKU"
            if variant is None
            else "variant is inactive"
            if not variant.is_active
            else "unknown location"
            if location is None
            else ""
            if blank
            else "on_hand must be a whole number"
            if count is None
            else f"on_hand must be from 0 to {MAX_QUANTITY:,}"
            if not 0 <= count <= MAX_QUANTITY
            else "this SKU and location appear twice"
            if (sku, code) in seen
            else ""
        )
        seen.add((sku, code))
        result.on_hand = count
        if problem:
            result.status, result.message = "error", problem
            continue
        if blank:
            result.status, result.message = "unchanged", "no count given; left as it is"
            continue
        parsed.append((result, variant, location))
    if report.errors:
        return report
    try:
        _apply(parsed, note)
    except _RowErrors:
        for r in report.rows:
            if r.status != "error":
                r.status = "pending"
        return report
    report.applied = True
    return report


def _apply(parsed: list[tuple[RowResult, Variant, Location]], note: str) -> None:
    """Under the row locks: compute each row's difference from the current count."""
    ids = {v.pk for _, v, _ in parsed}
    with transaction.atomic():
        levels = lock_levels(ids, ensure=[(v.pk, loc.pk) for _, v, loc in parsed])
        before = available_totals(levels, ids)
        changes = []
        for result, variant, location in parsed:
            level = levels[(variant.pk, location.pk)]
            result.previous = level.on_hand
            if result.on_hand < level.reserved:
                result.status = "error"
                result.message = f"{level.reserved} units are reserved; on_hand cannot be lower"
                continue
            delta = result.on_hand - level.on_hand
            result.status = "updated" if delta else "unchanged"
            if delta:
                changes.append(
                    Change(
                        variant.pk,
                        location.pk,
                        on_hand=delta,
                        reason=StockMovement.Reason.ADJUSTMENT,
                        note=note,
                    )
                )
        if any(r.status == "error" for r, _, _ in parsed):
            raise _RowErrors  # rolls back the empty rows `ensure` may have created
        apply_changes(levels, changes)
        alerts.record_crossings(before, available_totals(levels, ids))
        record_audit(
            action="stock.bulk_set",
            object_type="inventory.stocklevel",
            object_id="bulk",
            changes={
                "note": note,
                "rows": [
                    {"sku": r.sku, "location": r.location, "from": r.previous, "to": r.on_hand}
                    for r, _, _ in parsed
                    if r.status == "updated"
                ],
            },
        )


class _RowErrors(Exception):
    """Rows failed the check under lock; nothing is applied."""


def import_csv(*, file: BinaryIO, note: str = "") -> BulkReport:
    """Read `sku,location,on_hand` (UTF-8, header row) and apply it with `set_counts`."""
    raw = file.read()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError("The file is not UTF-8 text.", details={"field": "file"}) from None
    table = list(csv_files.records(text))
    header = [h.strip().lower() for h in (table[0][1] if table else [])]
    if not set(COLUMNS) <= set(header):
        raise ValidationError(
            f"The header must have the columns {', '.join(COLUMNS)}.", details={"field": "file"}
        )
    rows = [
        {k: dict(zip(header, cells, strict=True)).get(k, "") for k in COLUMNS}
        for _, cells in table[1:]
    ]
    return set_counts(rows=rows, note=note or "CSV stock import", first_row=2)
