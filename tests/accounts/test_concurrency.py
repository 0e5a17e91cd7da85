"""Two owners demoting each other at the same moment must leave the store one owner.

Real threads, each with its own database connection (DESIGN §3: no fake race tests)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from haat.accounts import services
from haat.accounts.models import User
from haat.core.errors import Conflict
from tests.conftest import PASSWORD


@pytest.mark.concurrency
@pytest.mark.django_db(transaction=True)
def test_simultaneous_demotions_keep_one_owner():
    first = User.objects.create_user("a@shop.in", PASSWORD, role="owner")
    second = User.objects.create_user("b@shop.in", PASSWORD, role="owner")
    barrier = threading.Barrier(2)
    outcomes: dict[int, str] = {}

    def demote(target: User) -> None:
        try:
            barrier.wait(timeout=10)
            services.update_staff(user=target, role="manager", actor_role="owner")
            outcomes[target.pk] = "demoted"
        except Conflict as exc:
            outcomes[target.pk] = exc.code
        finally:
            connection.close()

    threads = [threading.Thread(target=demote, args=(u,)) for u in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes.values()) == ["demoted", "last_owner"]
    assert User.objects.filter(role="owner", is_active=True).count() == 1
