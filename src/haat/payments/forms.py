"""Dashboard forms for the money actions on an order page."""

from __future__ import annotations

from django import forms


class RefundForm(forms.Form):
    """Amount in major units (blank: by lines, or everything refundable)."""

    amount = forms.CharField(required=False, max_length=30)
    reason = forms.CharField(max_length=300)
    method = forms.ChoiceField(
        choices=[
            ("gateway", "Original payment method"),
            ("bank_transfer", "Bank transfer"),
            ("upi", "UPI"),
        ]
    )
    reference = forms.CharField(required=False, max_length=120)
    idempotency_key = forms.CharField(max_length=255)


class CodCollectedForm(forms.Form):
    amount = forms.CharField(max_length=30)
    reference = forms.CharField(max_length=100)
