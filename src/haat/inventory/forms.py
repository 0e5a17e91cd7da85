"""Dashboard forms: parse and shape input only; services decide what is allowed."""

from __future__ import annotations

from django import forms

from haat.inventory.models import Location
from haat.inventory.services import ADJUST_REASONS


def location_choices(*, active_only: bool = True) -> list[tuple[int, str]]:
    qs = Location.objects.all()
    if active_only:
        qs = qs.filter(is_active=True)
    return [(loc.pk, f"{loc.name} ({loc.code})") for loc in qs]


class _StockForm(forms.Form):
    variant = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    location = forms.TypedChoiceField(coerce=int, choices=())
    quantity = forms.IntegerField(min_value=-1_000_000, max_value=1_000_000)
    note = forms.CharField(max_length=500, required=False, widget=forms.Textarea({"rows": 2}))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["location"].choices = location_choices(active_only=False)


class ReceiveForm(_StockForm):
    reference = forms.CharField(max_length=100, required=False, help_text="PO or invoice no.")


class AdjustForm(_StockForm):
    reason = forms.ChoiceField(
        choices=[(r, r.replace("_", " ").capitalize()) for r in ADJUST_REASONS]
    )
    field_order = ["variant", "location", "reason", "quantity", "note"]


class TransferForm(forms.Form):
    variant = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    from_location = forms.TypedChoiceField(coerce=int, choices=())
    to_location = forms.TypedChoiceField(coerce=int, choices=())
    quantity = forms.IntegerField(min_value=1, max_value=1_000_000)
    note = forms.CharField(max_length=500, required=False, widget=forms.Textarea({"rows": 2}))

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
        max_value=100_000,
        required=False,
        help_text="Leave empty to use the store default.",
    )


class ImportForm(forms.Form):
    file = forms.FileField(help_text="CSV with the header sku,location,on_hand")
    note = forms.CharField(max_length=500, required=False)


class ReportForm(forms.Form):
    date = forms.DateField(widget=forms.DateInput({"type": "date"}), required=False)
