"""Dashboard pages for customers (the customer seen through their orders): the list with
search, the profile, adding a note. Reads come from `orders.customer_selectors`, the note
is written by `customers.notes`; a refused note is shown next to its field."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from haat.accounts.roles import Perm
from haat.core.errors import DomainError, NotFound
from haat.customers import notes
from haat.customers.notes import MAX_NOTE_LENGTH
from haat.dashboard.access import require_perm
from haat.orders.customer_selectors import CustomerRows, customer_profile

PAGE_SIZE = 50


class CustomerSearchForm(forms.Form):
    q = forms.CharField(required=False, max_length=100)

    def query(self) -> str:
        return self.cleaned_data.get("q") or "" if self.is_valid() else ""


class NoteForm(forms.Form):
    body = forms.CharField(
        label="Note",
        max_length=MAX_NOTE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": MAX_NOTE_LENGTH}),
    )


@require_GET
@require_perm(Perm.CUSTOMERS_VIEW)
def customer_list(request: HttpRequest) -> HttpResponse:
    form = CustomerSearchForm(request.GET)
    page = Paginator(CustomerRows(form.query()), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode()}
    if request.htmx and request.htmx.target == "customer-table":
        return render(request, "orders/_customer_table.html", context)
    return render(request, "orders/customer_list.html", context)


def _profile_page(
    request: HttpRequest, customer_id: int, form: NoteForm, status: int = 200
) -> HttpResponse:
    try:
        profile = customer_profile(customer_id)
    except NotFound as exc:
        return render(request, "orders/not_found.html", {"message": exc.message}, status=404)
    user = request.user
    context = {
        "profile": profile,
        "customer": profile.customer,
        "note_form": form,
        "can_note": user.can(Perm.CUSTOMERS_EDIT),
        "can_see_orders": user.can(Perm.ORDERS_VIEW),
    }
    return render(request, "orders/customer_detail.html", context, status=status)


@require_GET
@require_perm(Perm.CUSTOMERS_VIEW)
def customer_detail(request: HttpRequest, customer_id: int) -> HttpResponse:
    return _profile_page(request, customer_id, NoteForm())


@require_POST
@require_perm(Perm.CUSTOMERS_EDIT)
def customer_note_add(request: HttpRequest, customer_id: int) -> HttpResponse:
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            notes.add_note(customer_id=customer_id, body=form.cleaned_data["body"])
        except NotFound as exc:
            return render(request, "orders/not_found.html", {"message": exc.message}, status=404)
        except DomainError as exc:
            form.add_error("body", exc.message)
        else:
            messages.success(request, "Note added.")
            return redirect("orders:customer_detail", customer_id=customer_id)
    return _profile_page(request, customer_id, form, status=422)
