"""Planner statistics upkeep."""

import pytest
from django.db import connection

from haat.core.maintenance import refresh_planner_statistics

pytestmark = pytest.mark.django_db


def test_statistics_refresh_runs_on_sqlite_and_is_skipped_elsewhere():
    result = refresh_planner_statistics()
    if connection.vendor == "sqlite":
        assert result == "optimized"
        with connection.cursor() as cursor:
            cursor.execute("SELECT name FROM sqlite_master WHERE name = 'sqlite_stat1'")
            assert cursor.fetchone() is not None
    else:
        assert result == "skipped"
