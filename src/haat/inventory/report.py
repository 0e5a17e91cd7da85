"""The inventory report: on hand (and, for today, reserved and available) per variant and
location, with the value at cost. Past dates are rebuilt from the ledger in SQL."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import TextIO

from django.db.models import F, Sum
from django.utils import timezone

from haat.catalog.models import option_title
from haat.core import csv_files
from haat.core.errors import ValidationError
from haat.inventory.models import StockLevel, StockMovement

TODAY_HEADER = [
    "sku",
    "product",
    "variant",
    "location",
    "on_hand",
    "reserved",
    "available",
    "unit_cost",
    "value_at_cost",
    "cost_currency",
]
PAST_HEADER = [
    "sku",
    "product",
    "variant",
    "location",
    "on_hand",
    "unit_cost",
    "value_at_cost",
    "cost_currency",
]


def parse_report_date(value: str | None) -> date:
    """YYYY-MM-DD in the store's time zone; blank means today; the future is refused."""
    today = timezone.localdate()
    if not value:
        return today
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise ValidationError(
            "Date must look like 2025-01-31.", details={"field": "date"}
        ) from None
    if day > today:
        raise ValidationError("The report date cannot be in the future.", details={"field": "date"})
    return day


def report_rows(day: date) -> tuple[list[str], list[list]]:
    """Header and rows. For today the live levels; for a past day the ledger summed up to
    the end of that day (store time zone). Reserved is only known for now, so past reports
    leave it out. Amounts are minor units of the variant's cost currency."""
    fields = (
        "variant__sku",
        "variant__product__title",
        "variant__option_values",
        "location__code",
        "variant__cost_amount",
        "variant__cost_currency",
    )
    if day == timezone.localdate():
        rows = (
            StockLevel.objects.values_list(*fields, "on_hand", "reserved")
            .annotate(value=F("on_hand") * F("variant__cost_amount"))
            .order_by("variant__sku", "location__priority", "location__code")
        )
        out = [
            [
                sku,
                title,
                option_title(opts),
                code,
                on_hand,
                reserved,
                on_hand - reserved,
                _blank(cost),
                _blank(value),
                cur,
            ]
            for sku, title, opts, code, cost, cur, on_hand, reserved, value in rows
        ]
        return TODAY_HEADER, out
    end = timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))
    rows = (
        StockMovement.objects.filter(created_at__lt=end)
        .values_list(*fields)
        .order_by()
        .annotate(on_hand=Sum("quantity"), value=Sum("quantity") * F("variant__cost_amount"))
        .order_by("variant__sku", "location__code")
    )
    out = [
        [sku, title, option_title(opts), code, on_hand, _blank(cost), _blank(value), cur]
        for sku, title, opts, code, cost, cur, on_hand, value in rows
        if on_hand
    ]
    return PAST_HEADER, out


def _blank(value: int | None) -> int | str:
    return "" if value is None else value


def write_report(*, out: TextIO, day: date) -> int:
    header, rows = report_rows(day)
    writer = csv_files.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return len(rows)
