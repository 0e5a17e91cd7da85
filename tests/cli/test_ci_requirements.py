"""Under CI the suite must run on what it claims: a missing PostgreSQL fails, never skips."""

import os

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


@pytest.mark.skipif(
    os.environ.get("HAAT_REQUIRE_POSTGRES") != "1", reason="HAAT_REQUIRE_POSTGRES is not set"
)
def test_required_postgresql_is_the_test_database():
    assert os.environ.get("HAAT_TEST_DATABASE_URL"), "HAAT_TEST_DATABASE_URL is not set"
    assert connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)
