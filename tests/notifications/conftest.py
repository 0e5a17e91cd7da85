import pytest

from haat.core import settings_stamp
from haat.notifications.models import Rule
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
    # These tests count e-mail; the WhatsApp and COD-confirmation rules are switched on by
    # the `whatsapp` fixture of test_whatsapp*.py.
    Rule.objects.filter(template_key="cod_confirmation").update(enabled=False)
    Rule.objects.filter(channel="whatsapp").update(enabled=False)
    settings_stamp.bump()  # a bulk update sends no signal (rules are kept under the stamp)
