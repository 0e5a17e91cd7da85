"""Staff actions on an order's money (dashboard and admin API): refunds, cash collected
on delivery, reserve & pay availability. A refused request changes nothing and is
recorded in the audit log (`*.refused`), so attempts to refund more than was paid, or to
record cash twice, leave a trace.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from haat.core.audit import record_audit
from haat.core.errors import DomainError
from haat.core.money import Money
from haat.orders.models import Order
from haat.payments import cod, refunds, reserve
from haat.payments.models import PaymentTransaction, Refund


def record_refusal(action: str, order: Order, exc: DomainError, data: dict[str, Any]) -> None:
    with transaction.atomic():
        record_audit(
            action=action,
            obj=order,
            changes={**data, "code": exc.code, "message": exc.message},
        )


def refund(
    *,
    order: Order,
    amount: Money | None,
    lines: list[tuple[int, int]] | None,
    reason: str,
    idempotency_key: str,
    method: str,
    reference: str = "",
) -> Refund:
    """Refund through the original gateway, or record a manual bank/UPI refund (COD)."""
    try:
        return refunds.refund_order(
            order=order,
            amount=amount,
            lines=lines,
            reason=reason,
            idempotency_key=idempotency_key,
            method=method,
            reference=reference,
        )
    except DomainError as exc:
        record_refusal(
            "payments.refund_refused",
            order,
            exc,
            {
                "amount": amount.amount if amount else None,
                "lines": [list(x) for x in lines or []],
                "method": method,
            },
        )
        raise


def collect_cod(
    *, order: Order, amount: Money, reference: str
) -> tuple[PaymentTransaction | None, bool]:
    try:
        return cod.record_cod_collected(order=order, amount=amount, reference=reference)
    except DomainError as exc:
        record_refusal(
            "payments.cod_refused", order, exc, {"amount": amount.amount, "reference": reference}
        )
        raise


def confirm_line(*, order: Order, line_id: int, available: bool) -> reserve.AvailabilityResult:
    return reserve.set_line_availability(order=order, line_id=line_id, available=available)
