"""How the audit log reads payment actions (see `haat.core.audit_words`): amounts as
₹2,146.00 in the order's currency, refusals as the reason staff were given."""

from __future__ import annotations

from typing import Any

from haat.core.audit_words import AuditWords, Entry, ObjectKind, Phrase, field_changes
from haat.payments.config import AMOUNT_FIELDS
from haat.payments.models import PaymentType, Refund


def _label(choices: Any, value: object) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value or "").replace("_", " ")


def _cod_collected(e: Entry) -> list[str]:
    rows = [f"Cash collected: {e.money(e.changes.get('amount'))}"]
    if e.changes.get("reference"):
        rows.append(f"Reference: {e.changes['reference']}")
    return rows


def _refund(e: Entry) -> list[str]:
    rows = [f"Refunded {e.money(e.changes.get('amount'))}"]
    if e.changes.get("method"):
        rows[0] += f" by {_label(Refund.Method, e.changes['method']).lower()}"
    if e.changes.get("reason"):
        rows.append(f"Reason: {e.changes['reason']}")
    return rows


def _refused(e: Entry) -> list[str]:
    """A refused action: what was asked, and the reason staff were shown."""
    rows = []
    if e.changes.get("amount") is not None:
        rows.append(f"Amount: {e.money(e.changes['amount'])}")
    if e.changes.get("reference"):
        rows.append(f"Reference: {e.changes['reference']}")
    if e.changes.get("message"):
        rows.append(f"Reason: {e.changes['message']}")
    return rows


_AMOUNT_LABELS = {
    "partial_cod_minimum": "Partial COD minimum upfront",
    "cod_fee": "COD fee",
    "cod_max_order_value": "COD up to an order of",
    "express_fee": "Express fee",
}


def _settings(e: Entry) -> list[str]:
    plain = {k: v for k, v in e.changes.items() if k not in AMOUNT_FIELDS}
    rows = field_changes(
        plain,
        {
            "cod_enabled": "Cash on delivery",
            "prepaid_enabled": "Prepaid",
            "partial_cod_enabled": "Partial COD",
            "partial_cod_percent": "Partial COD upfront %",
            "reserve_and_pay_enabled": "Reserve and pay later",
            "reserve_window_hours": "Reserve window (hours)",
            "cod_fee_upfront": "COD fee paid upfront",
            "test_gateway_enabled": "Test gateway",
            "currency_gateways": "Gateway per currency",
            "revive_late_paid_orders": "Revive late-paid orders when stock allows",
        },
    )
    for field in AMOUNT_FIELDS:
        if field in e.changes:
            pair = e.changes[field]
            old, new = pair if isinstance(pair, list) and len(pair) == 2 else ({}, pair)
            label = _AMOUNT_LABELS.get(field, field.replace("_", " ").capitalize())
            for cur in sorted(set(old or {}) | set(new or {})):
                before, after = (old or {}).get(cur), (new or {}).get(cur)
                if before != after:
                    rows.append(f"{label} in {cur}: {e.money(before, cur)} → {e.money(after, cur)}")
    return rows


def _late_payment(e: Entry) -> list[str]:
    rows = [f"Amount: {e.money(e.changes.get('amount'))}"]
    outcome = e.changes.get("outcome")
    if outcome == "revived":
        rows.append("The order was revived: every item was still in stock")
    elif outcome:
        rows.append("Refunded automatically to the customer")
    return rows


def _rule(e: Entry) -> list[str]:
    rows = []
    if e.changes.get("payment_type"):
        rows.append(f"Payment: {_label(PaymentType, e.changes['payment_type'])}")
    if e.changes.get("effect"):
        rows.append(f"Effect: {str(e.changes['effect']).replace('_', ' ')}")
    if e.changes.get("target"):
        rows.append(f"For: {e.changes['target']}")
    if e.changes.get("rule"):
        rows.append(str(e.changes["rule"]))
    return rows


def _partial_rule(e: Entry) -> list[str]:
    rows = []
    if e.changes.get("scope"):
        rows.append(f"Applies to: {str(e.changes['scope']).replace('_', ' ')}")
    if e.changes.get("percent"):
        rows.append(f"Upfront: {e.changes['percent']}%")
    if e.changes.get("rule"):
        rows.append(str(e.changes["rule"]))
    return rows


WORDS = AuditWords(
    phrases={
        "payments.cod_collected": Phrase(
            "recorded the cash collected for {object}", _cod_collected
        ),
        "payments.cod_refused": Phrase("could not record cash for {object}", _refused),
        "payments.refund": Phrase("refunded {object}", _refund),
        "payments.refund_refused": Phrase("could not refund {object}", _refused),
        "paylink.refused": Phrase("was refused payment for {object}", _refused),
        "payments.late_payment": Phrase(
            "received a payment for {object} after it was cancelled", _late_payment
        ),
        "payments.late_payment_handled": "marked the late payment for {object} as handled",
        "payments.settings_update": Phrase("changed the payment settings", _settings),
        "payments.rule_create": Phrase("added a payment rule", _rule),
        "payments.rule_delete": Phrase("removed a payment rule", _rule),
        "payments.partial_cod_rule_create": Phrase("added a partial-COD rule", _partial_rule),
        "payments.partial_cod_rule_delete": Phrase("removed a partial-COD rule", _partial_rule),
    },
    kinds=(
        ObjectKind("payments.paymentsettings", "payment settings"),
        ObjectKind("payments.paymentmethodrule", "payment rule"),
        ObjectKind("payments.partialcodrule", "partial-COD rule"),
    ),
)
