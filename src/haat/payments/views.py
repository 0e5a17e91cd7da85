"""Dashboard pages: payment settings, payment rules, COD remittance import.

Parse the form, call the service, show `DomainError.message` on failure; no rules here.
"""

from __future__ import annotations

from typing import Any

from babel import Locale
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from haat.accounts.roles import Perm
from haat.catalog import selectors as catalog_selectors
from haat.core.currencies import default_currency
from haat.core.errors import DomainError, ValidationError
from haat.core.field_words import field_label
from haat.core.india import INDIAN_STATES
from haat.core.money import Money
from haat.dashboard.access import require_perm
from haat.payments import cod, config, rules, selectors
from haat.payments.models import PartialCodRule, PaymentMethodRule, PaymentType

MAX_UPLOAD_BYTES = 2 * 1024 * 1024


def _major(minor: int, code: str) -> str:
    return f"{Money(minor, code).to_decimal():f}" if minor else ""


def _currency_rows(cfg) -> list[dict[str, Any]]:
    rows = []
    for code in sorted(config.enabled_codes()):
        in_use = config.gateway_code_for_currency(code, cfg)
        rows.append(
            {
                "code": code,
                **{f: _major(getattr(cfg, f).get(code, 0), code) for f in config.AMOUNT_FIELDS},
                "gateway": cfg.currency_gateways.get(code, ""),
                "in_use": in_use,
            }
        )
    return rows


def _settings_from_post(post) -> dict[str, Any]:
    codes = sorted(config.enabled_codes())
    data: dict[str, Any] = {f: f in post for f in config.BOOL_FIELDS}
    data["partial_cod_percent"] = post.get("partial_cod_percent", "")
    hours = post.get("reserve_window_hours", "").strip()
    if not hours.isdigit():
        raise ValidationError(
            "Reserve window must be a whole number of hours.",
            details={"field": "reserve_window_hours"},
        )
    data["reserve_window_hours"] = int(hours)
    for field in config.AMOUNT_FIELDS:
        data[field] = config.amounts_from_decimal(
            field, {code: post.get(f"{field}__{code}", "") for code in codes}
        )
    data["currency_gateways"] = {code: post.get(f"gateway__{code}", "") for code in codes}
    return data


@require_http_methods(["GET", "POST"])
@require_perm(Perm.PAYMENTS_MANAGE)
def payment_settings(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        try:
            config.update_settings(data=_settings_from_post(request.POST))
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "Payment settings saved.")
        return redirect("payments:payment_settings")
    cfg = config.get_settings()
    return render(
        request,
        "payments/settings.html",
        {
            "cfg": cfg,
            "rows": _currency_rows(cfg),
            "gateway_codes": config.GATEWAY_CODES,
            "store_slabs": selectors.partial_cod_rules().filter(scope="store"),
        },
    )


def _minor_or_none(post, field: str, code: str) -> int | None:
    text = post.get(field, "").strip()
    if not text:
        return None
    try:
        return Money.from_decimal(text, code).amount
    except ValidationError as exc:
        raise ValidationError(
            f"{field_label(field)}: {exc.message}", details={"field": field}
        ) from None


def _rule_action(request: HttpRequest) -> str:
    post = request.POST
    action = post.get("action", "")
    if action == "create_method":
        rule = rules.create_method_rule(data={k: post.get(k, "") for k in _METHOD_FIELDS})
        return (
            f"Rule added: {rule.get_effect_display()} {rule.get_payment_type_display()}"
            f" for {_target_words(rule)[0].lower()}{_target_words(rule)[1:]}."
        )
    if action == "delete_method":
        rules.delete_method_rule(rule_id=int(post.get("rule_id") or 0))
        return "Rule deleted."
    if action == "create_partial":
        code = post.get("currency", "").strip().upper()
        data: dict[str, Any] = {k: post.get(k, "") for k in _PARTIAL_FIELDS}
        data["currency"] = code
        for field in ("minimum_amount", "min_order_value", "max_order_value"):
            data[field] = _minor_or_none(post, field, code) if code else None
        rule = rules.create_partial_cod_rule(data=data)
        return f"Partial-COD rule added: {rule.percent}% advance."
    if action == "delete_partial":
        rules.delete_partial_cod_rule(rule_id=int(post.get("rule_id") or 0))
        return "Partial-COD rule deleted."
    raise ValidationError("Unknown action.", details={"field": "action"})


def _target_words(rule: PaymentMethodRule) -> str:
    """What a rule applies to, in words and names (never ids or codes alone)."""
    if rule.scope == PaymentMethodRule.Scope.STATE:
        return f"Deliveries to {INDIAN_STATES.get(rule.state_code, rule.state_code)}"
    if rule.scope == PaymentMethodRule.Scope.COUNTRY:
        return f"Deliveries to {Locale('en').territories.get(rule.country, rule.country)}"
    if rule.scope == PaymentMethodRule.Scope.CATEGORY:
        return f"Carts with a product in “{rule.category.name}”"
    return f"Carts with “{rule.product.title}”"


_METHOD_FIELDS = (
    "payment_type",
    "effect",
    "scope",
    "state_code",
    "country",
    "category_id",
    "product_id",
    "note",
)
_PARTIAL_FIELDS = ("scope", "category_id", "product_id", "percent")
# The add forms, by action: their name in the template and every field they send.
_RULE_FORMS = {
    "create_method": ("method", _METHOD_FIELDS),
    "create_partial": (
        "partial",
        (*_PARTIAL_FIELDS, "currency", "minimum_amount", "min_order_value", "max_order_value"),
    ),
}


def _refused(exc: DomainError, fields: tuple[str, ...]) -> dict[str, str]:
    """A refusal as {field: message}: next to the field the service names, else ("form")
    at the top of the form, never only as a message at the top of the page."""
    field = str((exc.details or {}).get("field", ""))
    return {field if field in fields else "form": exc.message}


@require_http_methods(["GET", "POST"])
@require_perm(Perm.PAYMENTS_MANAGE)
def payment_rules(request: HttpRequest) -> HttpResponse:
    """The rules and their add forms. A refused add form comes back (422) with what was
    typed and the message next to its field."""
    forms: dict[str, dict[str, Any]] = {"method": {}, "partial": {}}
    if request.method == "POST":
        try:
            messages.success(request, _rule_action(request))
        except DomainError as exc:
            action = request.POST.get("action", "")
            if action not in _RULE_FORMS:  # a delete: nothing typed to keep
                messages.error(request, exc.message)
                return redirect("payments:payment_rules")
            name, fields = _RULE_FORMS[action]
            values = {f: request.POST.get(f, "").strip() for f in (*fields, "q")}
            forms[name] = {
                "values": values,
                "errors": _refused(exc, fields),
                # the products the typed search found, so the picked one stays picked
                "picks": catalog_selectors.product_picks(q=values["q"][:100]),
            }
        else:
            return redirect("payments:payment_rules")
    return render(
        request,
        "payments/rules.html",
        {
            "method_form": forms["method"],
            "partial_form": forms["partial"],
            "method_rules": [(rule, _target_words(rule)) for rule in selectors.method_rules()],
            "partial_rules": selectors.partial_cod_rules(),
            "payment_types": PaymentType.choices,
            "effects": PaymentMethodRule.Effect.choices,
            "method_scopes": PaymentMethodRule.Scope.choices,
            "partial_scopes": PartialCodRule.Scope.choices,
            "states": sorted(INDIAN_STATES.items(), key=lambda kv: kv[1]),
            "currencies": sorted(config.enabled_codes()),
            "default_currency": default_currency().code,
            "category_picks": catalog_selectors.category_picks(limit=CATEGORY_PICKS),
            "product_picks": catalog_selectors.product_picks(),
        },
        status=422 if forms["method"] or forms["partial"] else 200,
    )


# A store has tens of categories (all listed) but may have thousands of products (searched).
CATEGORY_PICKS = 500


@require_http_methods(["GET"])
@require_perm(Perm.PAYMENTS_MANAGE)
def rule_targets(request: HttpRequest) -> HttpResponse:
    """The product options of a rule form's picker matching `q` (htmx, as you type)."""
    q = request.GET.get("q", "").strip()[:100]
    return render(
        request,
        "payments/_target_options.html",
        {"picks": catalog_selectors.product_picks(q=q), "q": q},
    )


@require_http_methods(["GET", "POST"])
@require_perm(Perm.PAYMENTS_MANAGE)
def cod_remittance(request: HttpRequest) -> HttpResponse:
    context: dict[str, Any] = {"columns": ", ".join(cod.COLUMNS)}
    status = 200
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise ValidationError("Choose a CSV file.", details={"field": "file"})
            if upload.size > MAX_UPLOAD_BYTES:
                raise ValidationError("The file is larger than 2 MB.", details={"field": "file"})
            try:
                text = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError:
                raise ValidationError(
                    "The file is not UTF-8 text.", details={"field": "file"}
                ) from None
            context["report"] = report = cod.import_cod_remittance(csv_text=text)
            context["recorded_total"] = report.total("recorded")
            messages.success(request, "Remittance reconciled; see the report below.")
        except DomainError as exc:
            messages.error(request, exc.message)
            context["row_errors"] = exc.details.get("rows", [])
            status = 422
    return render(request, "payments/cod_remittance.html", context, status=status)
