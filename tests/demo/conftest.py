"""The demo store, loaded once for the whole `tests/demo` package inside a transaction
rolled back at the end (it takes a few seconds: 44 products with pictures, stock for
every variant and four orders placed through checkout). Each test runs in a savepoint
inside it, so what one test changes (a checkout) is gone for the next."""

import io

import pytest
from django.db import transaction

from haat.demo import load_demo


@pytest.fixture(scope="package")
def loaded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        out = io.StringIO()
        yield load_demo(stdout=out), out.getvalue()
        transaction.set_rollback(True)


@pytest.fixture
def demo(loaded, db):
    return loaded
