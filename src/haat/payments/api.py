"""Payments API: paying for an order (`store_router`) and payment admin (`admin_router`):
settings, rules, transactions, refunds, COD and reserve & pay availability. Parse, call,
shape. A cart's payment options are checkout's (they price the cart):
`GET /store/carts/{token}/payment-options` lives in checkout/api.py."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router, Status
from ninja.pagination import paginate

from haat.accounts.roles import Perm
from haat.api.auth import StaffAuth, StorefrontAuth, require
from haat.api.pagination import Paginated
from haat.core import idempotency
from haat.core.errors import ValidationError
from haat.core.idempotency import Reply
from haat.core.money import Money, money_json
from haat.core.schemas import errors
from haat.gateways.types import GatewayCheckout
from haat.orders.schemas import AvailabilityAnswerOut, AvailabilityIn, PayIn
from haat.orders.selectors import find_order, order_admin_payload, order_by_number, order_by_token
from haat.payments import cod, config, flows, late, order_actions, rules, selectors
from haat.payments.models import Payment, Refund
from haat.payments.schemas import (
    CodCollectedIn,
    CodCollectedOut,
    CreatedRefundOut,
    LatePaymentOut,
    MethodRuleIn,
    MethodRuleOut,
    PartialCodRuleIn,
    PartialCodRuleOut,
    PaymentOut,
    PaymentSettingsOut,
    RefundIn,
    RefundOut,
    RemittanceIn,
    RemittanceOut,
    SettingsIn,
    TransactionOut,
)

store_router = Router(auth=StorefrontAuth, tags=["store: payments"])
admin_router = Router(auth=StaffAuth, tags=["admin: payments"])
READ_ERRORS = errors(401, 403)
WRITE_ERRORS = errors(401, 403, 422)


@store_router.post(
    "orders/{token}/payments",
    response={201: PaymentOut, 200: PaymentOut, **errors(401, 404, 409, 422)},
)
def start_payment(
    request: HttpRequest, token: str, response: HttpResponse, payload: PayIn | None = None
) -> Any:
    """Open a payment for what the order owes online: after a failed payment (the stock
    is held again) or when the first one could not be opened. 409 `not_payable` /
    `payment_expired` otherwise. An `Idempotency-Key` returns the first reply again (200,
    `Idempotent-Replayed: true`); another body under it is a 422 `idempotency_key_reused`."""
    order = order_by_token(token=token)
    return_url = payload.return_url if payload else ""
    idem = idempotency.idempotent_request(
        scope="payment",
        key=request.headers.get("Idempotency-Key"),
        request={"order": order.token, "return_url": return_url},
        answer=_payment_reply,
    )

    def open_payment() -> tuple[Payment, GatewayCheckout]:
        return flows.retry_payment(order=order, return_url=return_url)

    reply = idempotency.run_once(idem, open_payment) if idem else _payment_reply(open_payment())
    if reply.replayed:
        response["Idempotent-Replayed"] = "true"
    return Status(reply.status, reply.body)


def _payment_reply(opened: tuple[Payment, GatewayCheckout]) -> Reply:
    return Reply(201, flows.payment_payload(*opened))


def settings_payload() -> dict[str, Any]:
    cfg = config.get_settings()
    return {
        **config.snapshot(cfg),
        "gateways": {
            code: config.gateway_code_for_currency(code, cfg)
            for code in sorted(config.enabled_codes())
        },
        "updated_at": cfg.updated_at.isoformat(),
    }


@admin_router.get("payments/settings", response={200: PaymentSettingsOut, **READ_ERRORS})
def get_settings(request: HttpRequest) -> Any:
    """The store's payment settings: which payment types are on, partial-COD share and minimums,
    COD fee and maximum, express fee, reserve window, gateway per currency."""
    require(request, Perm.PAYMENTS_MANAGE)
    return settings_payload()


@admin_router.patch("payments/settings", response={200: PaymentSettingsOut, **WRITE_ERRORS})
def update_settings(request: HttpRequest, payload: SettingsIn) -> Any:
    """Change payment settings. Only the fields sent change; per-currency amounts are integers in
    minor units of enabled currencies."""
    require(request, Perm.PAYMENTS_MANAGE)
    config.update_settings(data=payload.dict(exclude_none=True))
    return settings_payload()


@admin_router.get("payments/method-rules", response={200: list[MethodRuleOut], **READ_ERRORS})
@paginate(Paginated)
def list_method_rules(request: HttpRequest) -> Any:
    """Rules that allow or forbid a payment type for a destination state or country, a category or
    a product."""
    require(request, Perm.PAYMENTS_MANAGE)
    return selectors.method_rules()


@admin_router.post(
    "payments/method-rules", response={201: MethodRuleOut, **errors(401, 403, 409, 422)}
)
def create_method_rule(request: HttpRequest, payload: MethodRuleIn) -> Any:
    """Add a payment-type rule. The most specific matching rule wins (product, then category, then
    destination)."""
    require(request, Perm.PAYMENTS_MANAGE)
    return Status(201, rules.create_method_rule(data=payload.dict()))


@admin_router.delete(
    "payments/method-rules/{rule_id}", response={204: None, **errors(401, 403, 404, 422)}
)
def delete_method_rule(request: HttpRequest, rule_id: int) -> Any:
    """Remove a payment-type rule."""
    require(request, Perm.PAYMENTS_MANAGE)
    rules.delete_method_rule(rule_id=rule_id)
    return Status(204, None)


@admin_router.get(
    "payments/partial-cod-rules", response={200: list[PartialCodRuleOut], **READ_ERRORS}
)
@paginate(Paginated)
def list_partial_cod_rules(request: HttpRequest) -> Any:
    """Partial-COD advance rules (percent and minimum) by scope and optional order-value slab."""
    require(request, Perm.PAYMENTS_MANAGE)
    return selectors.partial_cod_rules()


@admin_router.post(
    "payments/partial-cod-rules",
    response={201: PartialCodRuleOut, **errors(401, 403, 409, 422)},
)
def create_partial_cod_rule(request: HttpRequest, payload: PartialCodRuleIn) -> Any:
    """Add a partial-COD advance rule for the store, a category or a product, optionally for an
    order-value slab."""
    require(request, Perm.PAYMENTS_MANAGE)
    return Status(201, rules.create_partial_cod_rule(data=payload.dict()))


@admin_router.delete(
    "payments/partial-cod-rules/{rule_id}",
    response={204: None, **errors(401, 403, 404, 422)},
)
def delete_partial_cod_rule(request: HttpRequest, rule_id: int) -> Any:
    """Remove a partial-COD advance rule."""
    require(request, Perm.PAYMENTS_MANAGE)
    rules.delete_partial_cod_rule(rule_id=rule_id)
    return Status(204, None)


@admin_router.get(
    "payments/transactions", response={200: list[TransactionOut], **errors(401, 403, 404)}
)
@paginate(Paginated)
def list_transactions(request: HttpRequest, order: str = "") -> Any:
    """The money ledger, newest first; `order=HT-10042` for one order."""
    require(request, Perm.ORDERS_VIEW)
    return selectors.transactions(order_id=find_order(order).pk if order else None)


@admin_router.get("payments/refunds", response={200: list[RefundOut], **errors(401, 403, 404)})
@paginate(Paginated)
def list_refunds(request: HttpRequest, order: str = "") -> Any:
    """Refunds, newest first; optionally for one order number."""
    require(request, Perm.ORDERS_VIEW)
    return selectors.refunds(order_id=find_order(order).pk if order else None)


@admin_router.get(
    "payments/late-payments", response={200: list[LatePaymentOut], **errors(401, 403, 422)}
)
@paginate(Paginated)
def list_late_payments(request: HttpRequest, show: str = "attention") -> Any:
    """Payments captured for an order that could not take it (a slow UPI payment after the
    order was cancelled), newest first. `show=attention` (default): what staff must act on
    (refund not sent, not confirmed or refused; revived orders), until marked handled;
    `show=all`: every one."""
    require(request, Perm.ORDERS_VIEW)
    if show not in ("attention", "all"):
        raise ValidationError("show must be attention or all.", details={"field": "show"})
    return selectors.late_payments() if show == "all" else selectors.needs_attention()


@admin_router.post(
    "payments/late-payments/{late_id}/retry",
    response={200: CreatedRefundOut, **errors(401, 403, 404, 409, 502, 503)},
)
def retry_late_refund(request: HttpRequest, late_id: int) -> Any:
    """Send a late payment's refund again (same gateway idempotency key) when the gateway
    never answered, or open a new refund after it refused one. 409 `nothing_to_retry` when
    the refund is done or waiting for the gateway's confirmation; 502/503 with the
    gateway's error when it refuses or cannot be reached (the refund stays listed)."""
    require(request, Perm.REFUNDS_CREATE)
    return Status(200, selectors.refund_payload(late.retry(late_id=late_id)))


@admin_router.post(
    "payments/late-payments/{late_id}/handled",
    response={200: LatePaymentOut, **errors(401, 403, 404)},
)
def late_payment_handled(request: HttpRequest, late_id: int) -> Any:
    """Staff dealt with it (told the customer of a revived order, refunded by hand): it
    leaves `show=attention`. Marking it again changes nothing."""
    require(request, Perm.ORDERS_MANAGE)
    late.mark_handled(late_id=late_id)
    return selectors.late_payments().get(pk=late_id)


@admin_router.post(
    "orders/{number}/refunds",
    response={201: CreatedRefundOut, **errors(401, 403, 404, 409, 422)},
)
def create_refund(
    request: HttpRequest, number: str, payload: RefundIn, response: HttpResponse
) -> Any:
    """Refund an amount, some lines, or everything refundable. `Idempotency-Key` header
    required: the same key and body return the same refund (its gateway call retried if it
    never got an answer); another body under it is a 422 `idempotency_key_reused`. A
    refused refund changes nothing and is recorded in the audit log
    (`payments.refund_refused`)."""
    require(request, Perm.REFUNDS_CREATE)
    order = find_order(number)
    idem = idempotency.idempotent_request(
        scope="refund",
        key=request.headers.get("Idempotency-Key"),
        request={"order": order.number, "body": payload.model_dump()},
        answer=_refund_reply,
    )
    # The stored reply only refuses another body under the key: the refund service itself
    # answers a key it has seen with that refund as it is now.
    if idem is not None and idempotency.replay(idem) is not None:
        response["Idempotent-Replayed"] = "true"
    lines = None
    if payload.lines is not None:
        lines = [(row.get("line_id"), row.get("quantity")) for row in payload.lines]
    refund = order_actions.refund(
        order=order,
        amount=Money(payload.amount, order.currency_id) if payload.amount is not None else None,
        lines=lines,
        reason=payload.reason,
        idempotency_key=idem.key if idem else "",
        method=payload.method,
        reference=payload.reference,
    )
    reply = idempotency.save(idem, refund) if idem else _refund_reply(refund)
    return Status(reply.status, reply.body)


def _refund_reply(refund: Refund) -> Reply:
    return Reply(201, selectors.refund_payload(refund))


@admin_router.post(
    "orders/{number}/cod-collected",
    response={201: CodCollectedOut, 200: CodCollectedOut, **errors(401, 403, 404, 409, 422)},
)
def cod_collected(request: HttpRequest, number: str, payload: CodCollectedIn) -> Any:
    """Cash the courier collected; the same reference again changes nothing (200). A refused
    amount changes nothing and is recorded in the audit log (`payments.cod_refused`)."""
    require(request, Perm.PAYMENTS_MANAGE)
    order = find_order(number)
    _, created = order_actions.collect_cod(
        order=order, amount=Money(payload.amount, order.currency_id), reference=payload.reference
    )
    order.refresh_from_db()
    body = {
        "number": order.number,
        "payment_status": order.payment_status,
        "amount_paid": money_json(order.amount_paid, order.currency_id),
        "created": created,
    }
    return Status(201 if created else 200, body)


@admin_router.post("payments/cod-remittance", response={200: RemittanceOut, **WRITE_ERRORS})
def cod_remittance(request: HttpRequest, payload: RemittanceIn) -> Any:
    """Reconcile a courier's remittance CSV; a malformed file changes nothing (422)."""
    require(request, Perm.PAYMENTS_MANAGE)
    report = cod.import_cod_remittance(csv_text=payload.csv)
    return {"summary": report.summary, "rows": [row.as_dict() for row in report.rows]}


@admin_router.post(
    "orders/{number}/lines/{line_id}/availability",
    response={200: AvailabilityAnswerOut, **errors(401, 403, 404, 409, 422)},
    by_alias=True,
)
def line_availability(
    request: HttpRequest, number: str, line_id: int, payload: AvailabilityIn
) -> Any:
    """Reserve & pay: can this line be sourced? The last answer cancels the order (nothing
    available) or removes the unavailable lines and sends the customer a payment link."""
    require(request, Perm.ORDERS_MANAGE)
    result = order_actions.confirm_line(
        order=order_by_number(number), line_id=line_id, available=payload.available
    )
    return {
        "outcome": result.outcome,
        "payment_link": result.link_url,
        "order": order_admin_payload(order_by_number(number)),
    }
