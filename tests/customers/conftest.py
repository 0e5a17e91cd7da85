import pytest

from haat.core.context import Actor
from tests.checkout.helpers import make_location, make_variant
from tests.customers import builders as b


@pytest.fixture
def warehouse(db):
    return make_location("main", priority=10)


@pytest.fixture
def variant(warehouse):
    return make_variant(stock=500, sku="KL-KUR-004-L", title="Block-print Kurta")


@pytest.fixture
def meera(variant, owner, currencies):
    """Meera: four orders in INR (COD with the cash collected, COD awaiting delivery,
    prepaid, COD cancelled by the owner) and one prepaid order in USD."""
    currencies("USD")
    who = b.customer("meera@example.in", "98450 12345", "Meera Iyer")
    collected = b.order(who, variant, amount=249900)
    b.collect(collected, "REM-1")
    b.order(who, variant, amount=120000)  # COD, awaiting delivery
    b.order(who, variant, amount=50000, payment_type="prepaid")
    cancelled = b.order(who, variant, amount=70000)
    b.cancel(cancelled, "Customer asked to cancel", Actor(user=owner, label=owner.email))
    b.order(who, variant, amount=4500, currency="USD", payment_type="prepaid")
    return who
