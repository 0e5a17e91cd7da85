import pytest

from tests.checkout.helpers import make_location


@pytest.fixture
def warehouse(db):
    return make_location("main", priority=10)
