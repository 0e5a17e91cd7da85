"""Dashboard forms for orders."""

from __future__ import annotations

from django import forms

from haat.orders.models import Order
from haat.orders.selectors import OrderFilters


class OrderFilterForm(forms.Form):
    status = forms.ChoiceField(
        required=False, choices=[("", "All statuses"), *Order.Status.choices]
    )
    q = forms.CharField(required=False, max_length=100)
    date_from = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def filters(self) -> OrderFilters:
        data = self.cleaned_data if self.is_valid() else {}
        return OrderFilters(
            status=data.get("status") or "",
            q=data.get("q") or "",
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
        )


class CancelForm(forms.Form):
    note = forms.CharField(required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
