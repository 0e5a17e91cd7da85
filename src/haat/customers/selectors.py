"""Customer reads for the dashboard and the admin API."""

from __future__ import annotations

from haat.customers.models import Address, Customer


def saved_addresses(*, customer: Customer) -> list[Address]:
    return list(Address.objects.filter(customer=customer).order_by("-created_at", "-id"))
