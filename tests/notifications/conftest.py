import pytest

from haat.notifications.services import ensure_defaults
from tests.checkout.helpers import make_location


@pytest.fixture
def warehouse(db):
    return make_location("main", priority=10)


@pytest.fixture
def defaults(db):
    """The shipped rules and templates (a transactional test elsewhere may have emptied
    the tables the data migration filled)."""
    ensure_defaults()
