"""Hand-written SQL for the gateways context's own tables."""

from __future__ import annotations

from datetime import datetime

from haat.core import sql

_COUNT_REJECTION = (
    "INSERT INTO gateways_webhookrejections (gateway, hour, count, last_error) "
    "VALUES (%s, %s, 1, %s) "
    "ON CONFLICT (gateway, hour) DO UPDATE SET "
    "count = gateways_webhookrejections.count + 1, last_error = excluded.last_error "
    "RETURNING count"
)


def count_rejection(*, gateway: str, hour: datetime, error: str) -> int:
    """Count one rejected delivery in its hour (one atomic statement, so concurrent
    rejections never lose a count); returns the hour's count so far."""
    row = sql.fetch_one(_COUNT_REJECTION, [gateway, hour, error[:1000]])
    return int(row[0]) if row else 0
