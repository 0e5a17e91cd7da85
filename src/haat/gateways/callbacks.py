"""What gateways need from the payments context above them, as narrow callbacks.

Gateways sit below payments (docs/architecture.md, Layers) and never import it. Payments
registers these in `PaymentsConfig.ready()`:

- the handler the webhook inbox hands each parsed `GatewayUpdate` to
  (`payments.services.apply_gateway_update`);
- the lookup behind the test gateway's hosted page: the payment a page token opens,
  as a `TestPayment` (the page shows it and turns a click into a signed event).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from haat.gateways.types import GatewayUpdate

UpdateHandler = Callable[[GatewayUpdate], None]


@dataclass(frozen=True)
class TestPayment:
    """A test-gateway payment as its hosted page shows it."""

    __test__ = False  # not a pytest test class
    token: str
    gateway_order_id: str
    amount: int  # minor units
    currency: str
    order_number: str
    status: str  # the payment's status ("pending", "captured", "failed", ...)
    failure_reason: str
    expires_at: datetime | None
    is_open: bool  # still waiting to be paid


TestPaymentFinder = Callable[[str], TestPayment | None]


@dataclass
class _Registered:
    apply_update: UpdateHandler | None = None
    find_test_payment: TestPaymentFinder | None = None


_registered = _Registered()


def register(*, apply_update: UpdateHandler, find_test_payment: TestPaymentFinder) -> None:
    _registered.apply_update = apply_update
    _registered.find_test_payment = find_test_payment


def apply_update(update: GatewayUpdate) -> None:
    """Hand one update to payments (which is idempotent itself)."""
    if _registered.apply_update is None:
        raise RuntimeError("No handler for gateway updates: is haat.payments installed?")
    _registered.apply_update(update)


def find_test_payment(token: str) -> TestPayment | None:
    """The test-gateway payment behind a hosted page token, or None."""
    if _registered.find_test_payment is None:
        return None
    return _registered.find_test_payment(token)
