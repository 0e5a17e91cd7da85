"""The adapter for a gateway code, built with the credentials in use.

Which gateway takes a currency is a payment setting, so payments chooses the code
(`haat.payments.config.gateway_for_currency`) and asks here for the adapter.
"""

from __future__ import annotations

from haat.gateways.credentials import credentials_for, test_gateway_enabled
from haat.gateways.errors import GatewayNotConfigured
from haat.gateways.razorpay import RazorpayGateway
from haat.gateways.stripe import StripeGateway
from haat.gateways.testgateway import TestGateway
from haat.gateways.types import Gateway

_ADAPTERS = {"razorpay": RazorpayGateway, "stripe": StripeGateway}


def get_gateway(code: str) -> Gateway:
    """The adapter for `code`; `GatewayNotConfigured` (409) if it cannot be used."""
    if code == "test":
        if not test_gateway_enabled():
            raise GatewayNotConfigured(
                "The test gateway is switched off on this server (HAAT_TEST_GATEWAY_ENABLED).",
                details={"gateway": code},
            )
        return TestGateway()
    if code not in _ADAPTERS:
        raise GatewayNotConfigured(f"Unknown payment gateway '{code}'.", details={"gateway": code})
    creds = credentials_for(code)
    if creds.source == "none":
        raise GatewayNotConfigured(
            f"{code.title()} has no credentials. Add them under Payments → Gateways.",
            details={"gateway": code},
        )
    return _ADAPTERS[code](creds)
