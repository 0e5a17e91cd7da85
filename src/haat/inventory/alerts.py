"""Low-stock, out-of-stock and back-in-stock events, recorded when a change crosses a line.

Writers lock all StockLevel rows of a variant before changing any of them, so the
"before" and "after" totals they pass here are exact and each crossing is seen by
exactly one transaction. Each back-in-stock subscriber not yet notified gets a
`BackInStockNoticeDue` event; the consumer that actually queues a message stamps them
(`services.mark_back_in_stock_notified`), so nobody is marked told while nothing was sent.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings

from haat.catalog.models import Variant
from haat.core.outbox import Aggregate, emit_all
from haat.inventory.events import (
    BackInStock,
    BackInStockNoticeDue,
    LowStock,
    StockCrossing,
    WentOutOfStock,
)
from haat.inventory.models import BackInStockSubscription, LowStockThreshold


def default_threshold() -> int:
    return settings.HAAT_LOW_STOCK_DEFAULT


def thresholds_for(variant_ids: Iterable[int]) -> dict[int, int]:
    ids = list(variant_ids)
    found = dict(
        LowStockThreshold.objects.filter(variant_id__in=ids).values_list("variant_id", "threshold")
    )
    default = default_threshold()
    return {v: found.get(v, default) for v in ids}


def record_crossings(
    before: dict[int, int],
    after: dict[int, int],
    *,
    thresholds: dict[int, int] | None = None,
    skus: dict[int, str] | None = None,
) -> None:
    """Write the events (one INSERT) for variants whose available total crossed a line.

    Costs no query when nothing crossed, so the hot path (holds) stays constant.
    """
    changed = [v for v in before if before[v] != after.get(v, before[v])]
    falling = [v for v in changed if after[v] < before[v]]
    rising = [v for v in changed if before[v] <= 0 < after[v]]
    if thresholds is None:
        thresholds = thresholds_for(falling) if falling else {}
    crossings: list[tuple[type[StockCrossing], int]] = []
    for v in falling:
        limit = thresholds.get(v, default_threshold())
        if after[v] <= 0 < before[v]:
            crossings.append((WentOutOfStock, v))
        elif after[v] <= limit < before[v]:
            crossings.append((LowStock, v))
    crossings.extend((BackInStock, v) for v in rising)
    if not crossings:
        return
    if skus is None:
        skus = dict(
            Variant.objects.filter(id__in=[v for _, v in crossings]).values_list("id", "sku")
        )
    emit_all(
        (
            crossing(
                variant_id=v,
                sku=skus.get(v, ""),
                available=after[v],
                previous=before[v],
                threshold=thresholds.get(v, default_threshold()),
            ),
            Aggregate("catalog.variant", v),
        )
        for crossing, v in crossings
    )
    if rising:
        _notify_subscribers(rising, skus, after)


def _notify_subscribers(variant_ids: list[int], skus: dict[int, str], after: dict[int, int]):
    subs = list(
        BackInStockSubscription.objects.filter(
            variant_id__in=variant_ids, notified_at__isnull=True
        ).order_by("id")
    )
    if subs:
        emit_all(
            (
                BackInStockNoticeDue(
                    subscription_id=sub.pk,
                    variant_id=sub.variant_id,
                    sku=skus.get(sub.variant_id, ""),
                    email=sub.email,
                    phone=sub.phone,
                    available=after[sub.variant_id],
                ),
                sub,
            )
            for sub in subs
        )
