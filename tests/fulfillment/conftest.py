import pytest

from tests.checkout.helpers import make_location, make_variant
from tests.payments.helpers import make_order


@pytest.fixture
def warehouse(db):
    return make_location("main", priority=10)


@pytest.fixture
def cod_order(warehouse):
    """A confirmed cash-on-delivery order of 3 units of one line (its stock sold)."""
    variant = make_variant(price="1000.00", stock=10)
    return make_order(variant, quantity=3, payment_type="cod", status="confirmed")
