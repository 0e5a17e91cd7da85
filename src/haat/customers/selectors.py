"""Customer reads: finding customers by what staff type (a name, an e-mail, a phone
number as people write it), one customer with addresses and notes.

The order facts of a customer (orders, spent, COD, cancellations) are the orders
context's (`orders/customer_selectors.py`): customers sit below orders and never read
them.
"""

from __future__ import annotations

import re

from django.db.models import Prefetch, Q, QuerySet

from haat.core.errors import NotFound, ValidationError
from haat.customers.error_codes import CustomerError
from haat.customers.models import Customer, CustomerNote
from haat.customers.validation import normalize_phone

# Fewer digits than an Indian mobile number's ten are read as part of a number (the last
# digits a customer reads out), and looked for anywhere in the stored numbers.
MIN_PHONE_DIGITS = 10


def search_condition(q: str) -> Q | None:
    """The filter for free text `q`, or None when `q` is blank.

    - A phone number however written ("98450 12345", "+91-98450-12345") is normalised as
      checkout does and matched exactly against the stored E.164 number (indexed).
    - Other digits only ("12345", the end of a number a customer reads out) match
      anywhere in the phone number.
    - Text with "@" matches the start of the e-mail (stored lower-case; the unique index
      serves the prefix).
    - Anything else matches the name or the e-mail anywhere in them (trigram indexes on
      PostgreSQL).
    """
    q = " ".join((q or "").split())
    if not q:
        return None
    if "@" in q and not q.startswith("@"):
        return Q(email__startswith=q.lower())
    if _PHONE_CHARS.fullmatch(q):
        digits = "".join(ch for ch in q if ch.isdigit())
        phone = _as_phone(q) if len(digits) >= MIN_PHONE_DIGITS else ""
        return Q(phone=phone) if phone else Q(phone__contains=digits)
    # E-mails are stored lower-case: a plain LIKE, which PostgreSQL's trigram index serves
    # (migration 0003), as it serves the upper-cased name.
    return Q(name__icontains=q) | Q(email__contains=q.lower())


_PHONE_CHARS = re.compile(r"\+?[0-9][0-9 ()./-]*")


def _as_phone(q: str) -> str:
    """`q` as an E.164 number when it reads as one, else ""."""
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
