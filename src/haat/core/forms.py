"""Dashboard forms of the core context (input parsing only; rules live in services)."""

from __future__ import annotations

from django import forms

from haat.core.errors import DomainError

# Services name API fields (`variant_id`); dashboard forms name the same input `variant`.
FIELD_ALIASES = {
    "category_ids": "categories",
    "collection_ids": "collections",
    "parent_id": "parent",
    "variant_id": "variant",
    "location_id": "location",
}


def attach_domain_error(form: forms.Form, error: DomainError) -> None:
    """Show a service error on the form field it names (`details["field"]`, or that
    field's dashboard alias), else on the form as a whole."""
    field = str((error.details or {}).get("field", ""))
    if field not in form.fields:
        field = FIELD_ALIASES.get(field, field)
    form.add_error(field if field in form.fields else None, error.message)


class AuditFilterForm(forms.Form):
    actor = forms.CharField(required=False, max_length=255)
    action = forms.CharField(required=False, max_length=64)
    object_type = forms.CharField(required=False, max_length=64)
    object_id = forms.CharField(required=False, max_length=64)
    date_from = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self) -> dict:
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "Must be on or after the 'from' date.")
        return data

    def filters(self) -> dict:
        """The valid filters; an invalid field is left out rather than failing the page."""
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if name not in self.errors and value not in (None, "")
        }
