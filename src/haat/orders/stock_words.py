"""Orders as the stock pages name them: a hold of order 12 reads "order HT-10012" and a
ledger row referring to HT-10012 links to its page. Registered with `inventory.owners`
in `OrdersConfig.ready()` (inventory sits below orders and cannot read orders)."""

from __future__ import annotations

from collections.abc import Collection

from django.urls import reverse

from haat.inventory.owners import Owner
from haat.orders.lifecycle import HOLD_OWNER
from haat.orders.models import NUMBER_PREFIX, Order, pk_from_number

__all__ = ["HOLD_OWNER", "hold_owners", "order_links"]


def _url(number: str) -> str:
    return reverse("orders:order_detail", args=[number])


def hold_owners(owner_ids: Collection[str]) -> dict[str, Owner]:
    """Order holds' owners by order number, with the order's page. One query (only
    orders that exist are named)."""
    pks = [int(i) for i in owner_ids if i.isdigit() and len(i) < 16]
    orders = Order.objects.filter(pk__in=pks).only("id")
    return {str(o.pk): Owner(kind="order", label=o.number, url=_url(o.number)) for o in orders}


def order_links(references: Collection[str]) -> dict[str, str]:
    """The order page of each reference that is an order number. One query, none when no
    reference looks like one."""
    pks = {
        pk: ref
        for ref in references
        if ref.startswith(NUMBER_PREFIX) and (pk := pk_from_number(ref)) is not None
    }
    if not pks:
        return {}
    found = Order.objects.filter(pk__in=list(pks)).values_list("pk", flat=True)
    return {pks[pk]: _url(pks[pk]) for pk in found}
