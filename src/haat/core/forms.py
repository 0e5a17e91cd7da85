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


class StoreDetailsForm(forms.Form):
    """The store details page; `haat.core.store.update_store` checks the values."""

    name = forms.CharField(label="Store name", max_length=100)
    legal_name = forms.CharField(
        label="Legal name", max_length=200, required=False, help_text="As registered for GST."
    )
    logo = forms.FileField(
        label="Logo", required=False, help_text="PNG, JPEG or WebP, 2 MB at most."
    )
    remove_logo = forms.BooleanField(label="Remove the logo", required=False)
    address_line1 = forms.CharField(label="Address", max_length=200, required=False)
    address_line2 = forms.CharField(label="Address line 2", max_length=200, required=False)
    city = forms.CharField(label="City", max_length=100, required=False)
    state = forms.CharField(label="State", max_length=100, required=False)
    postal_code = forms.CharField(label="PIN code", max_length=20, required=False)
    country = forms.CharField(label="Country code", max_length=2, min_length=2, initial="IN")
    gstin = forms.CharField(
        label="GSTIN",
        max_length=15,
        required=False,
        help_text="15 characters, e.g. 27AAPFU0939F1ZV.",
    )
    support_email = forms.EmailField(label="Support e-mail", required=False)
    support_phone = forms.CharField(label="Support phone", max_length=20, required=False)
    time_zone = forms.CharField(label="Time zone", max_length=64)
