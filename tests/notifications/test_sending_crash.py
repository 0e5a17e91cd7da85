"""A sender killed after the provider took some messages but before it recorded them
(outcomes are recorded 25 to an UPDATE): nothing goes out twice and nothing is lost
silently; the unrecorded rows are shown to staff as "may or may not have gone out"."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections import Counter
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from haat.notifications import sending
from haat.notifications.email_channel import message_id
from haat.notifications.models import Message
from tests.accounts.smtp import Mailbox, SmtpServer
from tests.notifications.test_sending_concurrency import _queue

pytestmark = pytest.mark.django_db(transaction=True)

REPO = Path(__file__).resolve().parents[2]


class Killer(Mailbox):
    """Accepts messages, and SIGKILLs `victim` while it hands over message number 4."""

    victim: int = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        reply = await super().handle_DATA(server, session, envelope)
        if len(self.received) == 4 and self.victim:
            os.kill(self.victim, signal.SIGKILL)
        return reply


def _sender(port: int) -> subprocess.Popen:
    script = (
        "import os, sys\n"
        f"sys.path.insert(0, {str(REPO)!r})\n"
        "os.environ['DJANGO_SETTINGS_MODULE'] = 'tests.settings'\n"
        "from django.conf import settings\n"
        "settings.DATABASES['default']['NAME'] = os.environ['HAAT_TEST_DB_NAME']\n"
        "from tests.accounts.smtp import smtp_settings\n"
        f"for k, v in smtp_settings({port}).items(): setattr(settings, k, v)\n"
        "import django\n"
        "django.setup()\n"
        "from haat.notifications import sending\n"
        "sending.send_claimed(sending.claim(limit=10))\n"
    )
    env = {**os.environ, "HAAT_TEST_DB_NAME": str(connection.settings_dict["NAME"])}
    return subprocess.Popen([sys.executable, "-c", script], env=env, cwd=REPO)


def test_a_sender_killed_before_recording_sends_nothing_twice(settings):
    keys = _queue(30)
    smtp = SmtpServer()
    smtp.mailbox = smtp.controller.handler = Killer()
    with smtp:
        victim = _sender(smtp.port)
        smtp.mailbox.victim = victim.pid
        assert victim.wait(timeout=60) == -signal.SIGKILL
        taken = {r.message["Message-ID"] for r in smtp.received}
        assert len(taken) == 4
        # Nothing was recorded: the provider's messages are still "sending".
        assert Message.objects.filter(status="sending").count() == 10
        assert not Message.objects.filter(status="sent").exists()

        later = timezone.now() + sending.LEASE + timedelta(seconds=1)
        assert sending.recover_stale(now=later) == 10
        for key, value in smtp.settings().items():
            setattr(settings, key, value)
        assert sending.send_due() == 20
        received = Counter(r.message["Message-ID"] for r in smtp.received)
    assert max(received.values()) == 1, "a message went out twice"
    failed = set(Message.objects.filter(status="failed").values_list("key", flat=True))
    assert len(failed) == 10
    assert {message_id(k) for k in failed} >= taken  # the ones it handed over: shown to staff
    assert set(received) | {message_id(k) for k in failed} == {message_id(k) for k in keys}
    assert Message.objects.filter(status="sent").count() == 20
    assert set(Message.objects.filter(status="failed").values_list("error", flat=True)) == {
        sending.UNKNOWN_OUTCOME
    }
