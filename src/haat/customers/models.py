"""Customers, their saved addresses and the notes staff keep about them.

A customer is matched at checkout by e-mail (stored lower-cased, unique) or phone (E.164);
addresses are saved once per distinct address (the `fingerprint` is unique per customer), so
a returning shopper does not collect a duplicate row on every order.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Customer(models.Model):
    email = models.EmailField(max_length=254, unique=True)
    phone = models.CharField(max_length=20, blank=True, db_index=True)  # E.164
    name = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        # The customers list pages newest first; search matches the phone exactly (indexed
        # above) and the e-mail by prefix (the unique index; on PostgreSQL also its LIKE
        # index), names by substring.
        indexes = [models.Index(fields=["-created_at", "-id"], name="customer_newest_first")]

    def __str__(self) -> str:
        return self.name or self.email


class Address(models.Model):
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="addresses")
    name = models.CharField(max_length=200)
    phone = models.CharField(max_length=20, blank=True)
    line1 = models.CharField(max_length=200)
    line2 = models.CharField(max_length=200, blank=True)
    city = models.CharField(max_length=100)
    state = models.CharField(max_length=100, blank=True)
    postal_code = models.CharField(max_length=20, blank=True)
    country = models.CharField(max_length=2)  # ISO 3166-1 alpha-2
    # sha1 of the normalised fields: lets checkout save addresses with one INSERT … ON
    # CONFLICT DO NOTHING instead of a lookup per address.
    fingerprint = models.CharField(max_length=40)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "fingerprint"], name="one_address_per_fingerprint"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name}, {self.line1}, {self.city} {self.postal_code} {self.country}"


class CustomerNote(models.Model):
    """What staff want the next colleague to know ("prefers calls after 6 pm", "refused
    COD twice"): written by `customers.notes.add_note`, never edited."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="notes")
    body = models.TextField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    author_label = models.CharField(max_length=255, blank=True)  # kept if the user goes
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["customer", "-created_at"], name="note_customer_newest")]
        constraints = [
            models.CheckConstraint(condition=~models.Q(body=""), name="customer_note_not_empty")
        ]

    def __str__(self) -> str:
        return f"Note on {self.customer_id} by {self.author_name}"

    @property
    def author_name(self) -> str:
        """Who wrote it, in words: the staff member's name, or the API key's name."""
        if self.author is not None:
            return str(self.author)
        label = self.author_label
        if label.startswith("api-key:"):
            return f"API key “{label.removeprefix('api-key:')}”"
        return label or "Unknown"
