"""Several workers sending the same queue at once, through a real SMTP server: every message
arrives exactly once (no duplicate, no loss), also when one worker dies mid-batch."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
from django.utils import timezone

from haat.notifications import sending
from haat.notifications.email_channel import message_id
from haat.notifications.models import Message
from tests.accounts.smtp import SmtpServer
from tests.concurrency import run_concurrently, thread_budget

pytestmark = pytest.mark.django_db(transaction=True)

COUNT = 120


def _queue(count: int) -> list[str]:
    rows = [
        Message(
            key=f"{9000 + i}:email:buyer{i}@example.in",
            event_id=9000 + i,
            event_type="order.placed",
            channel="email",
            audience="customer",
            recipient=f"buyer{i}@example.in",
            language="en",
            template_key="order_placed",
            template_version=1,
            subject=f"Order {i}",
            body_text=f"Thanks for order {i}.",
        )
        for i in range(count)
    ]
    Message.objects.bulk_create(rows)
    return [row.key for row in rows]


def _received_ids(smtp: SmtpServer) -> Counter:
    return Counter(r.message["Message-ID"] for r in smtp.received)


def test_concurrent_workers_send_each_message_exactly_once(settings):
    keys = _queue(COUNT)
    threads = thread_budget(4)
    with SmtpServer() as smtp:
        for key, value in smtp.settings().items():
            setattr(settings, key, value)
        # Every thread drains the queue in small batches, all at the same time.
        run_concurrently([lambda: sending.send_due(limit=5, rounds=100)] * threads, threads)
        received = _received_ids(smtp)
    assert max(received.values()) == 1, "a message went out twice"
    assert set(received) == {message_id(key) for key in keys}, "a message was lost"
    assert Message.objects.filter(status="sent").count() == COUNT
    assert set(Message.objects.values_list("attempts", flat=True)) == {1}


def test_a_worker_dying_mid_batch_causes_no_duplicate_and_no_silent_loss(settings):
    keys = _queue(40)
    with SmtpServer() as smtp:
        for key, value in smtp.settings().items():
            setattr(settings, key, value)
        orphaned = sending.claim(limit=10)  # this worker "dies": claimed, never sent
        threads = thread_budget(3)
        run_concurrently([lambda: sending.send_due(limit=5, rounds=100)] * threads, threads)
        later = timezone.now() + sending.LEASE + timedelta(seconds=1)
        sending.recover_stale(now=later)
        run_concurrently([lambda: sending.send_due(limit=5, rounds=100)] * threads, threads)
        received = _received_ids(smtp)
    assert max(received.values()) == 1
    failed = set(Message.objects.filter(status="failed").values_list("key", flat=True))
    assert failed == {m.key for m in orphaned}  # shown to staff, not sent blindly again
    assert set(received) | {message_id(k) for k in failed} == {message_id(k) for k in keys}
