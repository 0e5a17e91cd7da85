"""Estimated delivery dates: when a parcel leaves (today before the zone's cut-off time in
the store's time zone, else the next business day) plus the rate's days in transit.

Business days are Monday to Saturday: Indian couriers pick up and deliver on Saturdays and
not on Sundays. Public holidays are not modelled; the estimate is a range, not a promise.
"""

from __future__ import annotations

import datetime
import zoneinfo

from django.utils import timezone

from haat.core.settings_stamp import NOT_READ
from haat.core.store import store

SUNDAY = 6


def _next_day(day: datetime.date, business_only: bool) -> datetime.date:
    day += datetime.timedelta(days=1)
    while business_only and day.weekday() == SUNDAY:
        day += datetime.timedelta(days=1)
    return day


def store_now(*, stamp: int | None = NOT_READ) -> datetime.datetime:
    """Now in the store's time zone (`stamp`: the settings stamp, when already read)."""
    return timezone.now().astimezone(zoneinfo.ZoneInfo(store(stamp=stamp).time_zone))


def dispatch_date(
    now: datetime.datetime, *, cutoff: datetime.time, business_only: bool
) -> datetime.date:
    """The day a parcel ordered at `now` (store-local) leaves the warehouse."""
    day = now.date()
    if now.time() >= cutoff or (business_only and day.weekday() == SUNDAY):
        day = _next_day(day, business_only)
    return day


def add_days(day: datetime.date, days: int, *, business_only: bool) -> datetime.date:
    for _ in range(days):
        day = _next_day(day, business_only)
    return day


def delivery_range(
    now: datetime.datetime,
    *,
    cutoff: datetime.time,
    business_only: bool,
    days_min: int,
    days_max: int,
) -> tuple[datetime.date, datetime.date]:
    """(earliest, latest) delivery date for an order placed at `now` (store-local)."""
    leaves = dispatch_date(now, cutoff=cutoff, business_only=business_only)
    return (
        add_days(leaves, days_min, business_only=business_only),
        add_days(leaves, days_max, business_only=business_only),
    )
