"""The settings stamp: every change of a settings row moves it in the change's own
transaction, and a `Stamped` copy is reloaded exactly when it moved."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from haat.core import currencies, settings_stamp
from haat.core.models import Currency
from haat.core.settings_stamp import Stamped
from haat.gateways.services import save_account
from haat.payments import config, rules

pytestmark = pytest.mark.django_db


def moves(change) -> bool:
    before = settings_stamp.current()
    change()
    return settings_stamp.current() != before


def test_every_kind_of_settings_row_moves_the_stamp():
    config.update_settings(data={"cod_enabled": True})  # the row exists from here on
    assert moves(lambda: config.update_settings(data={"cod_enabled": False}))
    rule = {"payment_type": "cod", "effect": "forbid", "scope": "state", "state_code": "KA"}
    created = []
    assert moves(lambda: created.append(rules.create_method_rule(data=rule)))
    assert moves(lambda: rules.delete_method_rule(rule_id=created[0].pk))
    slab = {"scope": "store", "currency": "INR", "percent": "15"}
    assert moves(lambda: created.append(rules.create_partial_cod_rule(data=slab)))
    assert moves(lambda: rules.delete_partial_cod_rule(rule_id=created[1].pk))
    assert moves(lambda: currencies.enable_currency(code="USD"))
    assert moves(lambda: currencies.set_display_order(codes=["USD", "INR"]))
    assert moves(lambda: save_account(gateway="razorpay", key_id="rzp_test_1"))
    # Reading settings moves nothing.
    assert not moves(lambda: (config.get_settings(), list(Currency.objects.all())))


def test_the_stamp_moves_with_the_change_and_not_without_it():
    config.update_settings(data={"cod_enabled": True})
    before = settings_stamp.current()
    with pytest.raises(RuntimeError), transaction.atomic():
        config.update_settings(data={"cod_enabled": False})
        assert settings_stamp.current() != before  # written in the change's transaction
        raise RuntimeError("rolled back")
    assert settings_stamp.current() == before
    assert config.get_settings().cod_enabled


def test_a_copy_is_reloaded_exactly_when_the_stamp_moved():
    loads = []

    def load():
        loads.append(1)
        return config.get_settings().cod_enabled

    config.get_settings()
    copy = Stamped(load)
    assert copy.get() is True and len(loads) == 1
    stamp = settings_stamp.current()
    with CaptureQueriesContext(connection) as ctx:
        assert copy.get(stamp=stamp) is True
    assert not ctx.captured_queries and len(loads) == 1
    config.update_settings(data={"cod_enabled": False})
    assert copy.get() is False and len(loads) == 2  # the stamp read moved: loaded again
    moved = settings_stamp.current()
    assert moved != stamp
    with CaptureQueriesContext(connection) as ctx:
        assert copy.get(stamp=moved) is False
    assert not ctx.captured_queries and len(loads) == 2


def test_a_load_that_writes_a_settings_row_is_not_held_under_the_older_stamp():
    """The first load on an empty store creates the payment settings row (moving the
    stamp): what it read is held under the stamp read after it, not before."""
    assert settings_stamp.current() is None
    copy = Stamped(lambda: config.get_settings().pk)
    assert copy.get() == 1
    stamp = settings_stamp.current()
    assert stamp is not None
    with CaptureQueriesContext(connection) as ctx:
        copy.get(stamp=stamp)
    assert not ctx.captured_queries
