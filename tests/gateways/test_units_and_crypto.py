"""Stripe's per-currency units, Stripe form encoding, and secret encryption."""

from __future__ import annotations

import pytest
from django.db import connection

from haat.core.errors import ValidationError
from haat.gateways import crypto
from haat.gateways.http import form_encode
from haat.gateways.models import GatewayAccount
from haat.gateways.services import save_account
from haat.gateways.stripe_units import from_stripe, stripe_exponent, to_stripe


@pytest.mark.django_db  # Stripe units depend on the Currency rows' places
@pytest.mark.parametrize(
    ("haat_amount", "currency", "stripe_amount"),
    [
        (29900, "INR", 29900),  # two decimals: same number
        (1999, "USD", 1999),
        (1500, "JPY", 1500),  # zero-decimal: ¥1500 is 1500
        (250000, "KRW", 250000),
        (12340, "KWD", 12340),  # three decimals ending in 0
        (500, "ISK", 50000),  # Haat stores ISK whole; Stripe wants it times 100
        (120000, "HUF", 120000),
    ],
)
def test_to_and_from_stripe_units(haat_amount, currency, stripe_amount):
    assert to_stripe(haat_amount, currency) == stripe_amount
    assert from_stripe(stripe_amount, currency) == haat_amount


@pytest.mark.django_db  # Stripe units depend on the Currency rows' places
def test_exponent_table_classes():
    assert [stripe_exponent(c) for c in ("JPY", "VND", "INR", "ISK", "KWD", "BHD")] == [
        0,
        0,
        2,
        2,
        3,
        3,
    ]


@pytest.mark.django_db  # Stripe units depend on the Currency rows' places
def test_three_decimal_amount_not_ending_in_zero_is_refused_clearly():
    with pytest.raises(ValidationError) as err:
        to_stripe(12345, "KWD")
    assert err.value.code == "unsupported_amount"
    assert "KWD" in err.value.message and "0" in err.value.message
    assert err.value.details["field"] == "amount"


@pytest.mark.django_db  # Stripe units depend on the Currency rows' places
def test_more_than_eight_digits_is_refused():
    with pytest.raises(ValidationError):
        to_stripe(100_000_000, "INR")


def test_form_encoding_nests_keys():
    encoded = form_encode(
        {
            "amount": 100,
            "metadata": {"haat_order": "HT-10001"},
            "automatic_payment_methods": {"enabled": True},
        }
    )
    assert encoded == (
        "amount=100&metadata%5Bhaat_order%5D=HT-10001&automatic_payment_methods%5Benabled%5D=true"
    )


def test_crypto_round_trip_and_distinct_keys():
    token = crypto.encrypt("sk_test_secret")
    assert token != "sk_test_secret" and crypto.decrypt(token) == "sk_test_secret"
    assert crypto.derive_key("a") != crypto.derive_key("b")


def test_unreadable_secret_after_secret_key_change(settings):
    token = crypto.encrypt("rzp-secret")
    settings.SECRET_KEY = "another-secret-key-entirely-0123456789"
    with pytest.raises(crypto.SecretUnreadable):
        crypto.decrypt(token)


@pytest.mark.django_db
def test_secrets_are_stored_encrypted_not_in_plain_text():
    save_account(
        gateway="razorpay",
        key_id="rzp_test_abc",
        secret="plain-secret-42",
        webhook_secret="hook-77",
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT secret_encrypted, webhook_secret_encrypted FROM gateways_gatewayaccount"
        )
        row = cursor.fetchone()
    assert "plain-secret-42" not in row[0] and "hook-77" not in row[1]
    account = GatewayAccount.objects.get()
    assert crypto.decrypt(account.secret_encrypted) == "plain-secret-42"
