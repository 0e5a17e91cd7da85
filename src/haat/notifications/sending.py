"""Sending queued messages: claim, call the provider, record the outcome.

At most once per message, with any number of workers:

1. **Claim.** A batch of due messages is claimed with one conditional UPDATE
   (`status = 'queued'` -> `'sending'`, a fresh `claim_token`, a lease `claimed_until`); the
   rows a worker got are the ones carrying its token. Two workers cannot both claim a row:
   the second UPDATE no longer matches it. (PostgreSQL also skips rows another worker has
   locked while choosing, so workers do not queue behind each other.)
2. **Call** the provider outside any transaction, with the message key as its idempotency
   key where the provider takes one.
3. **Record** the outcome with an UPDATE that matches only while this worker's claim holds.

A worker that dies between 1 and 3 leaves the row `sending` past its lease. On a channel
whose provider drops repeats of a key it is simply queued again; on one without (SMTP) it
is marked failed ("may or may not have gone out") for staff to check and resend, because
a blind retry could send it twice. Failed calls are retried with back-off up to
`MAX_ATTEMPTS`, then listed as failed.
"""

from __future__ import annotations

import logging
import time
import uuid
from datetime import datetime, timedelta

from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from haat.core import sql
from haat.notifications import (  # noqa: F401  (register their adapters)
    email_channel,
    sms_channel,
    whatsapp_channel,
)
from haat.notifications.channels import ChannelError, Outgoing, adapter_for
from haat.notifications.models import Message

logger = logging.getLogger(__name__)

LEASE = timedelta(minutes=5)
MAX_ATTEMPTS = 6
BACKOFF_BASE = timedelta(seconds=30)
BACKOFF_CAP = timedelta(hours=2)
BATCH = 50
RECORD_EVERY = 25  # sent messages recorded per UPDATE
RECORD_SECONDS = 1.0  # ... or after this long, whichever comes first
_MAX_ERROR = 1000
UNKNOWN_OUTCOME = (
    "The sender stopped while handing this message to the provider, so it may or may not "
    "have gone out. Check with the customer before sending it again."
)


def backoff(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min, ... up to two hours."""
    return min(BACKOFF_BASE * 2 ** min(max(attempts - 1, 0), 16), BACKOFF_CAP)


def due(now: datetime) -> Q:
    return Q(status=Message.Status.QUEUED) & (
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    )


def claim(*, limit: int = BATCH, now: datetime | None = None) -> list[Message]:
    """Claim up to `limit` due messages for this worker (oldest first)."""
    now = now or timezone.now()
    token = uuid.uuid4().hex
    with transaction.atomic():
        candidates = list(
            Message.objects.filter(due(now))
            .order_by("id")
            .select_for_update(skip_locked=True)
            .values_list("id", flat=True)[:limit]
        )
        if not candidates:
            return []
        Message.objects.filter(due(now), id__in=candidates).update(
            status=Message.Status.SENDING,
            claim_token=token,
            claimed_until=now + LEASE,
            attempts=F("attempts") + 1,
        )
    return list(Message.objects.filter(claim_token=token, status=Message.Status.SENDING))


def send_claimed(messages: list[Message]) -> int:
    """Hand claimed messages to their providers; returns how many went out.

    Sent messages are recorded `RECORD_EVERY` at a time (or after `RECORD_SECONDS`), in
    one UPDATE each, not one per message: a worker that dies before recording leaves them
    `sending`, which `recover_stale` treats like any send cut off mid-call (never sent
    twice; on SMTP shown to staff as "may or may not have gone out").

    A batch slowed down by a provider that answers late must not outlive its lease (another
    worker would then take the rows as abandoned): past half the lease the rest of the
    batch is handed back, unsent, to the queue."""
    sent = 0
    deadline = time.monotonic() + LEASE.total_seconds() / 2
    by_channel: dict[str, list[Message]] = {}
    for message in messages:
        by_channel.setdefault(message.channel, []).append(message)
    for channel, batch in by_channel.items():
        adapter = adapter_for(channel)
        unrecorded: list[tuple[Message, str]] = []
        since = time.monotonic()
        try:
            with adapter.open() as send:
                for message in batch:
                    if time.monotonic() > deadline:
                        _release(message)
                        continue
                    try:
                        provider_id = send(_outgoing(message))
                    except ChannelError as exc:
                        _failed(message, str(exc), permanent=exc.permanent)
                        continue
                    message.status = Message.Status.SENT
                    unrecorded.append((message, provider_id))
                    sent += 1
                    if len(unrecorded) >= RECORD_EVERY or (
                        time.monotonic() - since > RECORD_SECONDS
                    ):
                        _record_sent(unrecorded, adapter.provider)
                        unrecorded, since = [], time.monotonic()
        except ChannelError as exc:  # could not even connect: every unsent one waits
            for message in batch:
                if message.status == Message.Status.SENDING:
                    _failed(message, str(exc), permanent=False)
        finally:
            _record_sent(unrecorded, adapter.provider)
    return sent


def _record_sent(sent: list[tuple[Message, str]], provider: str) -> None:
    """Mark sent, in one UPDATE per claim, the rows this worker still holds. Hand-written
    SQL: the ORM's `Case(When(...))` for the provider ids costs ~1 ms of Python per row."""
    by_token: dict[str, list[tuple[Message, str]]] = {}
    for message, provider_id in sent:
        by_token.setdefault(message.claim_token, []).append((message, provider_id))
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    for token, rows in by_token.items():
        cases: list[object] = []
        for message, provider_id in rows:
            cases += [message.pk, provider_id[:255]]
        ids = [message.pk for message, _ in rows]
        whens = "WHEN %s THEN %s " * len(rows)
        statement = (
            f"UPDATE {sql.table(Message)} SET status = %s, provider = %s, sent_at = %s, "  # noqa: S608
            f"error = '', claimed_until = NULL, provider_id = CASE id {whens}END "
            f"WHERE id IN ({sql.placeholders(len(ids))}) AND claim_token = %s AND status = %s"
        )  # (placeholders only: every value is a parameter)
        updated = sql.execute(
            statement,
            [Message.Status.SENT, provider, now, *cases, *ids, token, Message.Status.SENDING],
        )
        if updated < len(rows):
            logger.warning("%s messages were sent after their claim lapsed", len(rows) - updated)


def _release(message: Message) -> None:
    """Give an unsent claimed message back to the queue (its attempt did not happen)."""
    Message.objects.filter(_mine(message)).update(
        status=Message.Status.QUEUED,
        claim_token="",
        claimed_until=None,
        attempts=F("attempts") - 1,
    )
    message.status = Message.Status.QUEUED


def _outgoing(message: Message) -> Outgoing:
    return Outgoing(
        key=message.key,
        recipient=message.recipient,
        recipient_name=message.recipient_name,
        subject=message.subject,
        body_text=message.body_text,
        body_html=message.body_html,
        payload=message.provider_payload,
    )


def _mine(message: Message) -> Q:
    return Q(pk=message.pk, claim_token=message.claim_token, status=Message.Status.SENDING)


def _failed(message: Message, error: str, *, permanent: bool) -> None:
    now = timezone.now()
    give_up = permanent or message.attempts >= MAX_ATTEMPTS
    fields: dict[str, object] = {"error": error[:_MAX_ERROR], "claimed_until": None}
    if give_up:
        fields |= {"status": Message.Status.FAILED, "failed_at": now}
    else:
        fields |= {
            "status": Message.Status.QUEUED,
            "next_attempt_at": now + backoff(message.attempts),
        }
    Message.objects.filter(_mine(message)).update(**fields)
    message.status = fields["status"]  # type: ignore[assignment]
    logger.warning("Message %s not sent (attempt %s): %s", message.pk, message.attempts, error)


def recover_stale(*, now: datetime | None = None) -> int:
    """Messages whose sender died mid-call (lease over): queue again where the provider
    drops repeats, else mark failed with an explanation. Returns how many were touched."""
    now = now or timezone.now()
    stale = Message.objects.filter(status=Message.Status.SENDING, claimed_until__lt=now)
    touched = 0
    for channel in set(stale.values_list("channel", flat=True)):
        rows = stale.filter(channel=channel)
        if adapter_for(channel).idempotent:
            touched += rows.update(
                status=Message.Status.QUEUED, claim_token="", next_attempt_at=None
            )
        else:
            touched += rows.update(
                status=Message.Status.FAILED, error=UNKNOWN_OUTCOME, failed_at=now, claim_token=""
            )
    return touched


def send_due(*, limit: int = BATCH, rounds: int = 20) -> int:
    """Recover stale claims, then claim and send batches until none is due (or `rounds`
    batches, so one task does not run forever on a sale day)."""
    recover_stale()
    total = 0
    for _ in range(rounds):
        batch = claim(limit=limit)
        if not batch:
            break
        total += send_claimed(batch)
    return total
