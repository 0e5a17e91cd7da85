"""Flows tests: the whole storefront → gateway → order path through HTTP."""

import pytest

from tests.checkout.helpers import make_location
from tests.gateways.conftest import razorpay, stripe  # noqa: F401  (fixtures)


@pytest.fixture(autouse=True)
def _flows_env(settings):
    settings.HAAT_BASE_URL = "http://testserver"
    settings.HAAT_TEST_GATEWAY_ENABLED = True
    yield


@pytest.fixture
def warehouse(db):
    return make_location("main", priority=10)
