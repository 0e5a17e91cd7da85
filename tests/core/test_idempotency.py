"""core.idempotency: the first reply to a key is stored and replayed; the key reused for
another request is a 422 `idempotency_key_reused` (as Stripe does)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.db import IntegrityError, transaction

from haat.core import idempotency
from haat.core.errors import ValidationError
from haat.core.idempotency import Reply
from haat.core.models import IdempotencyKey

pytestmark = pytest.mark.django_db


def _answer(result: dict) -> Reply:
    return Reply(201, {"result": result})


def _request(key: str | None = "k-1", scope: str = "test", **asked):
    return idempotency.idempotent_request(
        scope=scope, key=key, request=asked or {"amount": 1}, answer=_answer
    )


@pytest.mark.parametrize("key", ["", "   ", "x" * 256, "tab\there"])
def test_a_malformed_key_is_refused(key):
    with pytest.raises(ValidationError) as exc:
        _request(key)
    assert (exc.value.code, exc.value.http_status) == ("invalid_idempotency_key", 422)
    assert exc.value.details == {"field": "Idempotency-Key"}


def test_no_key_no_idempotent_request():
    assert _request(None) is None
    assert _request("  k-1 ").key == "k-1"


def test_the_first_reply_is_replayed_for_the_same_request():
    request = _request()
    assert idempotency.replay(request) is None
    with transaction.atomic():
        first = idempotency.record(request, {"at": datetime(2026, 5, 1, 9, 30, tzinfo=UTC)})
    assert first == Reply(201, {"result": {"at": datetime(2026, 5, 1, 9, 30, tzinfo=UTC)}})
    # Stored as the API writes JSON, so the replay is the reply as it was sent.
    assert idempotency.replay(_request()) == Reply(
        201, {"result": {"at": "2026-05-01T09:30:00Z"}}, replayed=True
    )


def test_the_key_reused_for_another_request_is_a_422():
    with transaction.atomic():
        idempotency.record(_request(), {"n": 1})
    with pytest.raises(ValidationError) as exc:
        idempotency.replay(_request(amount=2))
    assert (exc.value.code, exc.value.http_status) == ("idempotency_key_reused", 422)
    # Keys are per scope: the same key elsewhere is another request.
    assert idempotency.replay(_request(scope="other", amount=2)) is None


def test_a_concurrent_duplicate_cannot_store_a_second_reply():
    with transaction.atomic():
        idempotency.record(_request(), {"n": 1})
    with pytest.raises(IntegrityError), transaction.atomic():
        idempotency.record(_request(), {"n": 2})
    assert idempotency.replay(_request()).body == {"result": {"n": 1}}


def test_update_and_save_replace_the_stored_reply():
    request = _request()
    assert idempotency.save(request, {"n": 1}).body == {"result": {"n": 1}}
    assert idempotency.save(request, {"n": 2}).body == {"result": {"n": 2}}
    idempotency.update(request, {"n": 3})
    assert idempotency.replay(request).body == {"result": {"n": 3}}
    assert IdempotencyKey.objects.count() == 1


def test_run_once_runs_once_then_replays_with_200():
    runs = []

    def run() -> dict:
        runs.append(1)
        return {"n": len(runs)}

    assert idempotency.run_once(_request(), run) == Reply(201, {"result": {"n": 1}})
    assert idempotency.run_once(_request(), run) == Reply(200, {"result": {"n": 1}}, replayed=True)
    assert runs == [1]
    with pytest.raises(ValidationError):
        idempotency.run_once(_request(amount=5), run)
    assert runs == [1]
