"""PIN serviceability: the merchant's CSV list (all-or-nothing, blank cells keep what is
stored) and Shiprocket's serviceability API, spoken to a local server."""

from __future__ import annotations

import datetime
import io

import pytest
from django.utils import timezone

from haat.core.errors import ValidationError
from haat.shipping import pins, shiprocket
from haat.shipping.config import shipping_config
from haat.shipping.models import ServiceablePin, ShiprocketAccount
from tests.shipping.servers import ShiprocketServer

EMAIL, PASSWORD = "api@kesarilane.example", "sr-api-pass-123"


def _serve(*, pin: str, weight_grams: int) -> pins.Serviceability:
    """The answer for `pin` under the current settings, as a quote asks for it."""
    config = shipping_config()
    return pins.serviceability(
        pin=pin,
        weight_grams=weight_grams,
        pin_list=config.pin_list,
        use_shiprocket=config.shiprocket,
    )


def _csv(text: str) -> io.BytesIO:
    return io.BytesIO(text.encode())


@pytest.mark.django_db
def test_import_adds_changes_and_removes():
    result = pins.import_csv(
        file=_csv("pin,prepaid,cod,city\n302001,yes,yes,Jaipur\n305001,,no,\n")
    )
    assert (result.added, result.updated) == (2, 0)
    ajmer = ServiceablePin.objects.get(pin="305001")
    assert ajmer.prepaid and not ajmer.cod  # a new PIN with a blank flag is served
    result = pins.import_csv(file=_csv("pin,cod,city,remove\n302001,no,,\n305001,,,yes\n"))
    assert (result.added, result.updated, result.removed) == (0, 1, 1)
    jaipur = ServiceablePin.objects.get(pin="302001")
    assert jaipur.city == "Jaipur" and jaipur.prepaid and not jaipur.cod  # blanks kept
    assert not ServiceablePin.objects.filter(pin="305001").exists()


@pytest.mark.django_db
def test_import_is_all_or_nothing_and_names_rows():
    ServiceablePin.objects.create(pin="110001")
    bad = "pin,prepaid,cod\n302001,yes,yes\n30200,yes,yes\n305001,maybe,no\n302001,no,no\n"
    with pytest.raises(ValidationError) as caught:
        pins.import_csv(file=_csv(bad))
    rows = caught.value.details["rows"]
    assert [(r["row"], r["field"]) for r in rows] == [(3, "pin"), (4, "prepaid"), (5, "pin")]
    assert caught.value.message.startswith("Row 3:")
    assert list(ServiceablePin.objects.values_list("pin", flat=True)) == ["110001"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("code,cod\n302001,yes\n", "pin column"),
        ("pin,colour\n302001,red\n", "Unknown column colour"),
        ("pin,cod\n302001\n", "fewer cells"),
    ],
)
def test_import_refuses_bad_files(text, needle):
    with pytest.raises(ValidationError) as caught:
        pins.import_csv(file=_csv(text))
    assert needle in caught.value.message
    assert not ServiceablePin.objects.exists()


@pytest.mark.django_db
def test_without_list_or_shiprocket_every_pin_is_served():
    answer = _serve(pin="560025", weight_grams=500)
    assert (answer.prepaid, answer.cod, answer.source) == (True, True, "unchecked")
    ServiceablePin.objects.create(pin="302001")
    answer = _serve(pin="560025", weight_grams=500)
    assert (answer.prepaid, answer.cod, answer.source) == (False, False, "list")


@pytest.fixture
def sr(settings, db):
    server = ShiprocketServer(EMAIL, PASSWORD).start()
    settings.HAAT_SHIPROCKET_API_BASE = server.base_url
    settings.HAAT_SHIPROCKET_TIMEOUT_SECONDS = 0.5
    shiprocket.save_account(
        email=EMAIL, password=PASSWORD, pickup_postcode="302001", is_enabled=True
    )
    yield server
    server.stop()


def test_password_and_token_are_stored_encrypted(sr):
    sr.couriers["560025"] = [{"courier_name": "Delhivery", "cod": 1}]
    _serve(pin="560025", weight_grams=400)
    row = ShiprocketAccount.objects.get()
    assert PASSWORD not in row.password_encrypted and row.password_encrypted
    assert row.token_encrypted and not any(t in row.token_encrypted for t in sr.tokens)
    assert row.token_expires_at > timezone.now() + datetime.timedelta(days=9)


def test_shiprocket_answers_for_pins_off_the_list(sr):
    sr.couriers["560025"] = [
        {"courier_name": "Xpressbees", "cod": 0, "estimated_delivery_days": "4"},
        {"courier_name": "Delhivery", "cod": 1, "estimated_delivery_days": "3"},
    ]
    sr.couriers["110001"] = [{"courier_name": "Bluedart", "cod": 0}]
    answer = _serve(pin="560025", weight_grams=1200)
    assert (answer.prepaid, answer.cod, answer.source) == (True, True, "shiprocket")
    _, _, query = sr.requests[-1]
    assert query == {
        "pickup_postcode": "302001",
        "delivery_postcode": "560025",
        "weight": "1.5",  # kilograms, the 500 g band's upper edge
        "cod": "0",
    }
    prepaid_only = _serve(pin="110001", weight_grams=100)
    assert (prepaid_only.prepaid, prepaid_only.cod) == (True, False)
    nobody = _serve(pin="799001", weight_grams=100)
    assert (nobody.prepaid, nobody.cod, nobody.source) == (False, False, "shiprocket")
    assert sr.calls("/auth/login") == 1  # one login, the token reused


def test_the_merchant_list_wins_over_shiprocket(sr):
    ServiceablePin.objects.create(pin="560025", cod=False)
    answer = _serve(pin="560025", weight_grams=100)
    assert (answer.cod, answer.source) == (False, "list")
    assert sr.calls("/courier/serviceability") == 0


def test_answers_are_cached(sr):
    sr.couriers["560025"] = [{"courier_name": "Delhivery", "cod": 1}]
    for _ in range(3):
        _serve(pin="560025", weight_grams=300)
    assert sr.calls("/courier/serviceability") == 1


def test_revoked_token_logs_in_again(sr):
    sr.couriers["560025"] = [{"courier_name": "Delhivery", "cod": 1}]
    _serve(pin="560025", weight_grams=300)
    sr.revoke_tokens()
    assert _serve(pin="560025", weight_grams=900).prepaid
    assert sr.calls("/auth/login") == 2


def test_token_renewed_before_it_expires(sr):
    sr.couriers["560025"] = [{"courier_name": "Delhivery", "cod": 1}]
    _serve(pin="560025", weight_grams=300)
    ShiprocketAccount.objects.update(token_expires_at=timezone.now() + datetime.timedelta(hours=5))
    _serve(pin="560025", weight_grams=900)
    assert sr.calls("/auth/login") == 2
    assert ShiprocketAccount.objects.get().token_expires_at > timezone.now() + datetime.timedelta(
        days=9
    )


def test_shiprocket_down_fails_open(sr):
    sr.down = True
    answer = _serve(pin="560025", weight_grams=300)
    assert (answer.prepaid, answer.cod, answer.source) == (True, True, "unchecked")


def test_wrong_password_is_reported_by_the_connection_test(sr):
    shiprocket.save_account(
        email=EMAIL, password="wrong", pickup_postcode="302001", is_enabled=True
    )
    with pytest.raises(shiprocket.ShiprocketFailed) as caught:
        shiprocket.test_connection()
    assert "e-mail or password" in caught.value.message
    assert caught.value.http_status == 502


def test_saving_without_password_keeps_it(sr):
    before = ShiprocketAccount.objects.get().password_encrypted
    shiprocket.save_account(email=EMAIL, password=None, pickup_postcode="302017", is_enabled=True)
    assert ShiprocketAccount.objects.get().password_encrypted == before
    with pytest.raises(ValidationError):
        shiprocket.save_account(email=EMAIL, password="", pickup_postcode="30201", is_enabled=True)
