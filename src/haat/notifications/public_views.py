"""The COD confirmation page linked from the e-mail fallback (/cod/<signed token>): the
order, and Confirm / Cancel buttons. A forged or altered token is a 404; the answer goes
through `cod.answer`, the same as a WhatsApp button reply."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from haat.core.store import store
from haat.notifications import cod, consent
from haat.notifications.models import Channel, CodConfirmation, Purpose
from haat.notifications.sources import money
from haat.orders.models import Order, pk_from_number


@require_http_methods(["GET", "POST"])
def cod_page(request: HttpRequest, token: str) -> HttpResponse:
    number = cod.parse_page_token(token)
    order = Order.objects.filter(pk=pk_from_number(number) or 0).first() if number else None
    row = CodConfirmation.objects.filter(order_number=number).first() if number else None
    if order is None or row is None:
        raise Http404("No such confirmation.")
    notice = ""
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action in (cod.CONFIRM, cod.CANCEL):
            outcome = cod.answer(order_number=number, action=action, source="email_link")
            notice = outcome.words
            row.refresh_from_db()
    return render(
        request,
        "notifications/cod_page.html",
        {
            "store_name": store().name,
            "order": order,
            "total": money(order.total_amount, order.currency_id),
            "row": row,
            "open": row.status
            in (CodConfirmation.Status.WAITING, CodConfirmation.Status.NO_ANSWER),
            "notice": notice,
        },
    )


@csrf_exempt  # RFC 8058: the mail provider POSTs "List-Unsubscribe=One-Click", no cookie
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a button (link scanners open links; only a POST unsubscribes); POST, from
    the button or a mail client's one-click, withdraws marketing consent for the address."""
    address = consent.parse_unsubscribe_token(token)
    if address is None:
        raise Http404("This unsubscribe link is not valid.")
    done = False
    if request.method == "POST":
        consent.record(
            channel=Channel.EMAIL,
            address=address,
            purpose=Purpose.MARKETING,
            granted=False,
            source="unsubscribe_link",
            detail="One-click" if "List-Unsubscribe" in request.POST else "Unsubscribe page",
        )
        done = True
    return render(
        request,
        "notifications/unsubscribe.html",
        {"store_name": store().name, "address": address, "done": done},
    )
