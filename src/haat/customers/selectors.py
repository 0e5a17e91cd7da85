"""Customer reads: finding customers by what staff type (a name, an e-mail, a phone
number as people write it), one customer with addresses and notes.

The order facts of a customer (orders, spent, COD, cancellations) are the orders
context's (`orders/customer_selectors.py`): customers sit below orders and never read
them.
"""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from haat.core.errors import NotFound, ValidationError
from haat.customers.error_codes import CustomerError
from haat.customers.models import Customer, CustomerNote
from haat.customers.validation import normalize_phone

MIN_PHONE_DIGITS = 6  # fewer digits than this are not read as a phone number


def search_condition(q: str) -> Q | None:
    """The filter for free text `q`, or None when `q` is blank.

    - A phone number however written ("98450 12345", "+91-98450-12345") is normalised as
      checkout does and matched exactly against the stored E.164 number (indexed).
    - Text with "@" matches the start of the e-mail (stored lower-case; the unique index
      serves the prefix).
    - Anything else matches the name or the e-mail anywhere in them.
    """
    q = " ".join((q or "").split())
    if not q:
        return None
    if "@" in q and not q.startswith("@"):
        return Q(email__startswith=q.lower())
    cond = Q(name__icontains=q) | Q(email__icontains=q.lower())
    phone = _as_phone(q)
    if phone:
        cond |= Q(phone=phone)
    return cond


def _as_phone(q: str) -> str:
    """`q` as an E.164 number when it reads as one, else ""."""
    digits = sum(ch.isdigit() for ch in q)
    if digits < MIN_PHONE_DIGITS or any(ch.isalpha() for ch in q):
        return ""
    try:
        return normalize_phone(q)
    except ValidationError:
        return ""


def customer_queryset(q: str = "") -> QuerySet[Customer]:
    """Customers newest first, filtered by `q` (`search_condition`)."""
    qs = Customer.objects.order_by("-created_at", "-id")
    cond = search_condition(q)
    return qs.filter(cond) if cond is not None else qs


def customer_with_details(customer_id: int) -> Customer:
    """The customer with addresses and notes (their authors) prefetched: three queries.
    404 `customer_not_found` otherwise."""
    customer = (
        Customer.objects.prefetch_related(
            "addresses",
            Prefetch("notes", queryset=CustomerNote.objects.select_related("author")),
        )
        .filter(pk=customer_id)
        .first()
    )
    if customer is None:
        raise NotFound(f"No customer with id {customer_id}.", code=CustomerError.CUSTOMER_NOT_FOUND)
    return customer
