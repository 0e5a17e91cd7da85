"""Moving idempotency keys from checkout to core keeps every stored reply, both ways."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from haat.core.models import IdempotencyKey

pytestmark = pytest.mark.django_db(transaction=True)
BEFORE = [("checkout", "0001_initial")]
MOVE = ("checkout", "0002_move_idempotency_keys_to_core")
STORED_AT = datetime(2026, 1, 2, 3, 4, 5, 678901, tzinfo=UTC)


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def _row(model, key: str) -> dict:
    return model.objects.filter(key=key).values(
        "scope", "key", "fingerprint", "response_status", "response_body", "created_at"
    )[0]


def test_stored_replies_survive_the_move_and_its_rollback():
    old_reply = {"number": "HT-10001", "lines": [{"sku": "K-1", "quantity": 2}]}
    try:
        apps = _migrate(BEFORE)
        Old = apps.get_model("checkout", "IdempotencyKey")
        Old.objects.create(
            scope="checkout", key="k-old", fingerprint="f" * 64, response_status=201,
            response_body=old_reply,
        )  # fmt: skip
        Old.objects.filter(key="k-old").update(created_at=STORED_AT)
        _migrate([MOVE])
        moved = _row(IdempotencyKey, "k-old")
        assert moved == {
            "scope": "checkout", "key": "k-old", "fingerprint": "f" * 64,
            "response_status": 201, "response_body": old_reply, "created_at": STORED_AT,
        }  # fmt: skip
        # A key answered after the upgrade is kept by a rollback, and the upgrade again
        # leaves the keys that are already in core alone.
        IdempotencyKey.objects.create(
            scope="payment", key="k-new", fingerprint="e" * 64, response_status=201,
            response_body={"id": 7},
        )  # fmt: skip
        apps = _migrate(BEFORE)
        back = apps.get_model("checkout", "IdempotencyKey")
        assert _row(back, "k-old") == moved
        assert _row(back, "k-new")["response_body"] == {"id": 7}
        _migrate([MOVE])
        assert IdempotencyKey.objects.count() == 2
        assert _row(IdempotencyKey, "k-old") == moved
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
