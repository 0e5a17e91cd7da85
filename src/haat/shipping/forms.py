"""Dashboard forms: parse and shape input only; the services decide what is allowed.
Amounts are typed as the merchant reads them ("999.00") and become minor units here."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms

from haat.core.errors import DomainError
from haat.core.money import Money
from haat.shipping.models import Rate

_LIST_HELP = "Separate with commas."


def _split(text: str) -> list[str]:
    return [part.strip() for part in (text or "").replace("\n", ",").split(",") if part.strip()]


class ZoneForm(forms.Form):
    name = forms.CharField(max_length=120)
    countries = forms.CharField(
        required=False, max_length=1000, help_text="Country codes, e.g. US, GB. " + _LIST_HELP
    )
    states = forms.CharField(
        required=False, max_length=2000, help_text="Indian states, e.g. Rajasthan. " + _LIST_HELP
    )
    pin_prefixes = forms.CharField(
        required=False,
        max_length=5000,
        label="PIN codes starting with",
        help_text="e.g. 302, 303. Leave all three empty for everywhere else.",
    )
    priority = forms.IntegerField(
        min_value=0,
        max_value=10_000,
        initial=100,
        help_text="When two zones fit an address equally well, the lower number wins.",
    )
    cod_allowed = forms.BooleanField(required=False, initial=True, label="Cash on delivery")
    cutoff_time = forms.TimeField(
        initial="14:00",
        label="Dispatch cut-off",
        help_text="Orders after this time (store time) leave the next business day.",
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    business_days_only = forms.BooleanField(
        required=False, initial=True, label="Count Monday to Saturday only"
    )
    is_active = forms.BooleanField(required=False, initial=True, label="Active")

    def values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        for name in ("countries", "states", "pin_prefixes"):
            data[name] = _split(data[name])
        return data


def initial_for(zone: Any) -> dict[str, Any]:
    return {
        "name": zone.name,
        "countries": ", ".join(zone.countries),
        "states": ", ".join(zone.states),
        "pin_prefixes": ", ".join(zone.pin_prefixes),
        "priority": zone.priority,
        "cod_allowed": zone.cod_allowed,
        "cutoff_time": zone.cutoff_time.strftime("%H:%M"),
        "business_days_only": zone.business_days_only,
        "is_active": zone.is_active,
    }


class RateForm(forms.Form):
    currency = forms.ChoiceField()
    service = forms.ChoiceField(choices=Rate.Service.choices)
    amount = forms.DecimalField(
        min_value=0, max_digits=14, decimal_places=3, label="Price", required=False,
        help_text="Used when there are no weight slabs.",
    )  # fmt: skip
    slabs = forms.CharField(
        required=False,
        max_length=2000,
        label="Weight slabs",
        help_text="Optional: grams up to which a price applies, e.g. 500: 60, 1000: 90, 2000: 140.",
    )
    free_above = forms.DecimalField(
        min_value=0, max_digits=14, decimal_places=3, required=False, label="Free above"
    )
    min_order = forms.DecimalField(
        min_value=0, max_digits=14, decimal_places=3, required=False, label="Only for orders from"
    )
    max_order = forms.DecimalField(
        min_value=0, max_digits=14, decimal_places=3, required=False, label="Only for orders up to"
    )
    days_min = forms.IntegerField(
        min_value=0, max_value=90, initial=3, label="Delivery from (days)"
    )
    days_max = forms.IntegerField(min_value=0, max_value=90, initial=5, label="Delivery to (days)")

    def __init__(self, *args: Any, currencies: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["currency"].choices = [(c, c) for c in currencies]

    def _minor(self, value: Decimal | None, currency: str, field: str) -> int | None:
        if value is None:
            return None
        try:
            return Money.from_decimal(value, currency).amount
        except DomainError as exc:
            self.add_error(field, exc.message)
            return None

    def values(self) -> dict[str, Any] | None:
        """The service's arguments, or None after adding errors to the form."""
        data = self.cleaned_data
        currency = data["currency"]
        slabs = []
        for part in _split(data.get("slabs") or ""):
            grams, _, price = part.partition(":")
            try:
                weight = int(grams.strip().lower().removesuffix("g").strip())
                amount = Money.from_decimal(Decimal(price.strip()), currency).amount
            except (ValueError, InvalidOperation, DomainError):
                self.add_error("slabs", f"Write each slab as grams: price, not '{part}'.")
                return None
            slabs.append({"max_grams": weight, "amount": amount})
        values = {
            "currency": currency,
            "service": data["service"],
            "slabs": slabs,
            "amount": self._minor(data.get("amount") or Decimal(0), currency, "amount") or 0,
            "days_min": data["days_min"],
            "days_max": data["days_max"],
        }
        for name in ("free_above", "min_order", "max_order"):
            values[name] = self._minor(data.get(name), currency, name)
        return None if self.errors else values


def rate_initial(rate: Rate) -> dict[str, Any]:
    """The form's values for an existing rate, amounts as the merchant types them."""

    def major(amount: int | None) -> Decimal | None:
        return None if amount is None else Money(amount, rate.currency_id).to_decimal()

    return {
        "currency": rate.currency_id,
        "service": rate.service,
        "amount": major(rate.amount),
        "slabs": ", ".join(f"{s.max_grams}: {major(s.amount)}" for s in rate.slabs.all()),
        "free_above": major(rate.free_above),
        "min_order": major(rate.min_order),
        "max_order": major(rate.max_order),
        "days_min": rate.days_min,
        "days_max": rate.days_max,
    }


class PinUploadForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text="Columns: pin, and any of prepaid, cod (yes/no), city, state, remove (yes).",
    )


class ShiprocketForm(forms.Form):
    is_enabled = forms.BooleanField(required=False, label="Check PIN codes with Shiprocket")
    email = forms.EmailField(required=False, label="API user e-mail")
    password = forms.CharField(
        required=False,
        max_length=200,
        label="API user password",
        widget=forms.PasswordInput(render_value=False),
        help_text="Leave empty to keep the stored password.",
    )
    pickup_postcode = forms.CharField(required=False, max_length=6, label="Pickup PIN code")
