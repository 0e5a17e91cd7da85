"""Dashboard forms: parse and shape input only; services decide what is allowed."""

from __future__ import annotations

from django import forms

from haat.core.staff_notes import NOTE_MAX
from haat.inventory.backorders import MAX_CAP
from haat.inventory.ledger import MAX_QUANTITY
from haat.inventory.models import BackorderPolicy, Location
from haat.inventory.services import ADJUST_REASONS, MAX_THRESHOLD


def location_choices(*, active_only: bool = True) -> list[tuple[int, str]]:
    qs = Location.objects.all()
    if active_only:
        qs = qs.filter(is_active=True)
    return [(loc.pk, loc.name) for loc in qs]


def quantity_field(*, minimum: int, help_text: str = "") -> forms.IntegerField:
    """Units, bounded as `ledger.clean_quantity` bounds them, so the input carries the
    same min/max the service enforces and a bad number is refused in the merchant's words."""
    return forms.IntegerField(
        min_value=minimum,
        help_text=help_text,
        max_value=MAX_QUANTITY,
        error_messages={
            "min_value": (
                f"Enter at least {minimum:,}."
                if minimum > 0
                else f"Remove at most {-minimum:,} units at once."
            ),
            "max_value": f"Enter at most {MAX_QUANTITY:,} units.",
            "invalid": "Enter a whole number of units.",
            "required": "Enter a quantity.",
        },
        widget=forms.NumberInput({"step": 1, "inputmode": "numeric"}),
    )


def _note_field() -> forms.CharField:
    return forms.CharField(max_length=NOTE_MAX, required=False, widget=forms.Textarea({"rows": 2}))


class _StockForm(forms.Form):
    variant = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    location = forms.TypedChoiceField(coerce=int, choices=())
    quantity = quantity_field(minimum=1)
    note = _note_field()

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["location"].choices = location_choices(active_only=False)


class ReceiveForm(_StockForm):
    reference = forms.CharField(max_length=100, required=False, help_text="PO or invoice no.")


class AdjustForm(_StockForm):
    reason = forms.ChoiceField(
        choices=[(r, r.replace("_", " ").capitalize()) for r in ADJUST_REASONS]
    )
    # Adjustments may remove units: negative down to -MAX_QUANTITY, never zero.
    quantity = quantity_field(minimum=-MAX_QUANTITY, help_text="A negative number removes units.")

    def clean_quantity(self) -> int:
        quantity = self.cleaned_data["quantity"]
        if quantity == 0:
            raise forms.ValidationError("Enter a number other than zero (negative removes units).")
        return quantity

    field_order = ["variant", "location", "reason", "quantity", "note"]


class TransferForm(forms.Form):
    variant = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    from_location = forms.TypedChoiceField(coerce=int, choices=())
    to_location = forms.TypedChoiceField(coerce=int, choices=())
    quantity = quantity_field(minimum=1)
    note = _note_field()

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["from_location"].choices = location_choices(active_only=False)
        self.fields["to_location"].choices = location_choices()


class LocationForm(forms.Form):
    name = forms.CharField(max_length=120)
    code = forms.SlugField(max_length=40)
    kind = forms.ChoiceField(choices=Location.Kind.choices)
    priority = forms.IntegerField(
        min_value=0, max_value=10_000, initial=100, help_text="Lower numbers are allocated first."
    )
    is_active = forms.BooleanField(required=False, initial=True)


class ThresholdForm(forms.Form):
    threshold = forms.IntegerField(
        min_value=0,
        max_value=MAX_THRESHOLD,
        required=False,
        help_text="Leave empty to use the store default.",
    )


class BackorderForm(forms.Form):
    """Selling beyond stock: the service checks the promise (exactly one of the two)
    and the cap against the units already sold beyond stock."""

    mode = forms.ChoiceField(
        choices=BackorderPolicy.Mode.choices,
        label="Sell beyond stock as",
        help_text="Pre-order: not released yet. Backorder: made to order or restocking.",
    )
    cap = forms.IntegerField(
        min_value=0,
        max_value=MAX_CAP,
        label="Units that may be sold beyond stock",
        help_text="In all, counting those already sold. Stock on the shelves sells first.",
    )
    ships_on = forms.DateField(
        required=False,
        label="Ships on",
        widget=forms.DateInput({"type": "date"}),
        help_text="The date promised to customers…",
    )
    ships_in_days = forms.IntegerField(
        min_value=1,
        max_value=365,
        required=False,
        label="…or ships this many days after the order",
    )


class ImportForm(forms.Form):
    file = forms.FileField(
        help_text="CSV with the header sku,location,on_hand",
        widget=forms.ClearableFileInput({"accept": ".csv,text/csv"}),
    )
    note = forms.CharField(max_length=NOTE_MAX, required=False)


class ReportForm(forms.Form):
    date = forms.DateField(widget=forms.DateInput({"type": "date"}), required=False)
