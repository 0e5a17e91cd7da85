"""Admin API for customers seen through their orders: the list with search, a profile,
adding a note (written by `customers.notes`)."""

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Status
from ninja.pagination import paginate

from haat.accounts.roles import Perm
from haat.api.auth import StaffAuth, require
from haat.api.pagination import Paginated
from haat.core.schemas import errors
from haat.customers import notes
from haat.orders.customer_schemas import (
    CustomerListOut,
    CustomerNoteOut,
    CustomerOut,
    CustomerQuery,
    NoteIn,
)
from haat.orders.customer_selectors import (
    CustomerRows,
    customer_profile,
    note_payload,
    profile_payload,
)

router = Router(auth=StaffAuth, tags=["admin: customers"])


@router.get("customers", response={200: list[CustomerListOut], **errors(401, 403, 422)})
@paginate(Paginated)
def list_customers(request: HttpRequest, filters: Query[CustomerQuery]) -> Any:
    """Customers, newest first, with their order count, money spent per currency and last
    order. `q` finds them by name, e-mail or phone."""
    require(request, Perm.CUSTOMERS_VIEW)
    return CustomerRows(filters.q)


@router.get("customers/{customer_id}", response={200: CustomerOut, **errors(401, 403, 404, 422)})
def get_customer(request: HttpRequest, customer_id: int) -> Any:
    """One customer: contact details, addresses, notes, orders, money spent, cash-on-delivery
    outcomes and cancellations."""
    require(request, Perm.CUSTOMERS_VIEW)
    return profile_payload(customer_profile(customer_id))


@router.post(
    "customers/{customer_id}/notes",
    response={201: CustomerNoteOut, **errors(401, 403, 404, 422)},
)
def add_customer_note(request: HttpRequest, customer_id: int, payload: NoteIn) -> Any:
    """Add a note by the calling key (its label is the author). Notes are never edited."""
    require(request, Perm.CUSTOMERS_EDIT)
    return Status(201, note_payload(notes.add_note(customer_id=customer_id, body=payload.body)))
