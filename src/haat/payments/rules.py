"""Creating and deleting payment-method rules and partial-COD rules (validated, audited)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from haat.catalog.models import Category, Product
from haat.core.audit import record_audit
from haat.core.errors import Conflict, NotFound, ValidationError
from haat.core.field_words import field_label
from haat.core.india import INDIAN_STATES
from haat.core.models import Currency
from haat.core.money import MAX_MINOR_UNITS
from haat.customers.validation import country_codes
from haat.payments.config import clean_percent
from haat.payments.error_codes import PaymentError
from haat.payments.models import PartialCodRule, PaymentMethodRule, PaymentType


def _choice(value: Any, allowed: list[str], field: str) -> str:
    text = str(value or "").strip().lower()
    if text not in allowed:
        raise ValidationError(
            f"{field_label(field)} must be one of {', '.join(allowed)}.", details={"field": field}
        )
    return text


def _target(scope: str, data: dict[str, Any]) -> dict[str, Any]:
    """The one target field of a rule's scope, checked to exist."""
    if scope == "state":
        code = str(data.get("state_code") or "").strip().upper()
        if code not in INDIAN_STATES:
            raise ValidationError(
                f"'{code}' is not an Indian state code (e.g. KA, MH).",
                details={"field": "state_code"},
            )
        return {"state_code": code}
    if scope == "country":
        code = str(data.get("country") or "").strip().upper()
        if code not in country_codes():
            raise ValidationError(
                f"No country has the code “{code}”: use two letters, e.g. AE or GB.",
                details={"field": "country"},
            )
        return {"country": code}
    if scope in ("category", "product"):
        model = Category if scope == "category" else Product
        raw = str(data.get(f"{scope}_id") or "").strip()
        if not raw:
            raise ValidationError(
                f"Pick the {scope} this rule is for.", details={"field": f"{scope}_id"}
            )
        obj = model.objects.filter(pk=raw).first() if raw.isdigit() and len(raw) < 12 else None
        if obj is None:
            raise ValidationError(
                f"That {scope} no longer exists; pick another.", details={"field": f"{scope}_id"}
            )
        return {scope: obj}
    return {}


def create_method_rule(*, data: dict[str, Any]) -> PaymentMethodRule:
    ptype = _choice(data.get("payment_type"), PaymentType.values, "payment_type")
    effect = _choice(data.get("effect"), PaymentMethodRule.Effect.values, "effect")
    scope = _choice(data.get("scope"), PaymentMethodRule.Scope.values, "scope")
    target = _target(scope, data)
    note = str(data.get("note") or "").strip()
    if len(note) > 200:
        raise ValidationError("The note must be at most 200 characters.", details={"field": "note"})
    lookup = {"payment_type": ptype, "scope": scope, **target}
    with transaction.atomic():
        if PaymentMethodRule.objects.filter(**lookup).exists():
            raise Conflict(
                "A rule for this payment type and target exists; delete it first.",
                code=PaymentError.DUPLICATE_RULE,
                details={"field": "scope"},
            )
        rule = PaymentMethodRule.objects.create(effect=effect, note=note, **lookup)
        record_audit(
            action="payments.rule_create",
            obj=rule,
            changes={"payment_type": ptype, "effect": effect, "target": rule.target_label},
        )
    return rule


def delete_method_rule(*, rule_id: int) -> None:
    with transaction.atomic():
        rule = PaymentMethodRule.objects.select_for_update().filter(pk=rule_id).first()
        if rule is None:
            raise NotFound(f"No payment rule {rule_id}.")
        record_audit(action="payments.rule_delete", obj=rule, changes={"rule": str(rule)})
        rule.delete()


def _minor(data: dict[str, Any], field: str, *, required: bool = False) -> int | None:
    value = data.get(field)
    if value in (None, ""):
        if required:
            raise ValidationError(f"{field_label(field)} is required.", details={"field": field})
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_MINOR_UNITS:
        raise ValidationError(
            f"{field_label(field)} must be an amount from zero up.",
            details={"field": field},
        )
    return value


def create_partial_cod_rule(*, data: dict[str, Any]) -> PartialCodRule:
    """Amounts (`minimum_amount`, `min_order_value`, `max_order_value`) in minor units."""
    scope = _choice(data.get("scope"), PartialCodRule.Scope.values, "scope")
    target = _target(scope, data)
    code = str(data.get("currency") or "").strip().upper()
    if not Currency.objects.filter(code=code, enabled=True).exists():
        raise ValidationError(
            f"'{code}' is not an enabled currency.", details={"field": "currency"}
        )
    percent = clean_percent(data.get("percent"), "percent")
    minimum = _minor(data, "minimum_amount") or 0
    low = _minor(data, "min_order_value") or 0
    high = _minor(data, "max_order_value")
    if high is not None and high <= low:
        raise ValidationError(
            "The maximum order value must be above the minimum.",
            details={"field": "max_order_value"},
        )
    with transaction.atomic():
        rule = PartialCodRule.objects.create(
            scope=scope,
            currency_id=code,
            percent=percent,
            minimum_amount=minimum,
            min_order_value=low,
            max_order_value=high,
            **target,
        )
        record_audit(
            action="payments.partial_cod_rule_create",
            obj=rule,
            changes={
                "scope": scope,
                "percent": str(percent),
                "minimum": minimum,
                "slab": [low, high],
            },
        )
    return rule


def delete_partial_cod_rule(*, rule_id: int) -> None:
    with transaction.atomic():
        rule = PartialCodRule.objects.select_for_update().filter(pk=rule_id).first()
        if rule is None:
            raise NotFound(f"No partial-COD rule {rule_id}.")
        record_audit(
            action="payments.partial_cod_rule_delete", obj=rule, changes={"rule": str(rule)}
        )
        rule.delete()
