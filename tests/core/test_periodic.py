"""Periodic work: one enqueue per interval across workers; the worker runs tasks and ticks."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection, connections
from django.utils import timezone
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from haat.core.maintenance import prune_task_results
from haat.core.models import OutboxEvent, PeriodicRun
from haat.core.periodic import periodic, periodic_tasks, run_due, unregister

REPO = Path(__file__).resolve().parents[2]


@task()
def heartbeat() -> str:
    return "beat"


@pytest.fixture
def only_heartbeat():
    """Run the scheduler over one test task (the real ones stay registered afterwards)."""
    saved = {job.name: job for job in periodic_tasks()}
    for name in saved:
        unregister(name)
    periodic(every=timedelta(minutes=1), name="test.heartbeat")(heartbeat)
    yield
    unregister("test.heartbeat")
    for job in saved.values():
        periodic(every=job.every, name=job.name)(job.task)


def _heartbeats() -> int:
    return DBTaskResult.objects.filter(task_path=f"{__name__}.heartbeat").count()


def test_core_registers_outbox_sweep_and_prune():
    jobs = {job.name: job for job in periodic_tasks()}
    assert jobs["core.outbox_sweep"].every == timedelta(seconds=5)
    assert jobs["core.outbox_sweep"].task.module_path == "haat.core.tasks.dispatch_outbox"
    assert jobs["core.prune_task_results"].every == timedelta(days=7)


def test_periodic_only_accepts_tasks():
    with pytest.raises(TypeError):
        periodic(every=timedelta(seconds=1))(lambda: None)
    with pytest.raises(ValueError):
        periodic(every=timedelta(0))


@pytest.mark.django_db
def test_run_due_enqueues_once_per_interval(only_heartbeat):
    now = timezone.now()
    assert run_due(now=now) == ["test.heartbeat"]
    assert run_due(now=now + timedelta(seconds=59)) == []
    assert _heartbeats() == 1
    assert run_due(now=now + timedelta(seconds=60)) == ["test.heartbeat"]
    assert _heartbeats() == 2
    assert PeriodicRun.objects.get(name="test.heartbeat").last_enqueued_at == now + timedelta(
        seconds=60
    )


@pytest.mark.django_db(transaction=True)
@pytest.mark.concurrency
def test_two_schedulers_on_two_connections_enqueue_once(only_heartbeat):
    for round_ in range(5):
        now = timezone.now() + timedelta(minutes=2 * round_)
        barrier = threading.Barrier(2)
        results: list[list[str]] = []
        errors: list[BaseException] = []

        def tick(now=now, barrier=barrier, results=results, errors=errors) -> None:
            try:
                barrier.wait()
                results.append(run_due(now=now))
            except BaseException as exc:
                errors.append(exc)
            finally:
                connections.close_all()

        threads = [threading.Thread(target=tick) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        assert not errors
        assert sorted(results) == [[], ["test.heartbeat"]]
        assert _heartbeats() == round_ + 1


@pytest.mark.django_db
def test_prune_removes_only_old_finished_results():
    old = heartbeat.enqueue()
    recent = heartbeat.enqueue()
    waiting = heartbeat.enqueue()
    DBTaskResult.objects.filter(id__in=[old.id, recent.id]).update(
        status="SUCCESSFUL", finished_at=timezone.now()
    )
    DBTaskResult.objects.filter(id=old.id).update(finished_at=timezone.now() - timedelta(days=15))
    assert prune_task_results() == 1
    remaining = {str(pk) for pk in DBTaskResult.objects.values_list("id", flat=True)}
    assert remaining == {str(recent.id), str(waiting.id)}


@pytest.mark.django_db(transaction=True)
def test_worker_runs_the_scheduler_and_dispatches_events():
    """`run_worker()` in a real process: its scheduler enqueues the outbox sweep, its loop
    runs it, and an event recorded without any wake-up task gets dispatched."""
    # Written directly, without emit's on-commit wake-up: only the sweep can find it.
    event = OutboxEvent.objects.create(event_type="test.worker", aggregate_type="test")
    script = (
        "import os, sys\n"
        f"sys.path.insert(0, {str(REPO)!r})\n"
        "os.environ['DJANGO_SETTINGS_MODULE'] = 'tests.settings'\n"
        "from django.conf import settings\n"
        "settings.DATABASES['default']['NAME'] = os.environ['HAAT_TEST_DB_NAME']\n"
        "import django\n"
        "django.setup()\n"
        "from haat.core.worker import run_worker\n"
        "run_worker(queues=['default'], scheduler=True, interval=0.2)\n"
    )
    env = {**os.environ, "HAAT_TEST_DB_NAME": str(connection.settings_dict["NAME"])}
    proc = subprocess.Popen(
        [sys.executable, "-c", script],
        env=env,
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            event.refresh_from_db()
            if event.dispatched_at is not None:
                break
            time.sleep(0.2)
        assert event.dispatched_at is not None
        assert PeriodicRun.objects.filter(name="core.outbox_sweep").exists()
        assert DBTaskResult.objects.filter(
            task_path="haat.core.tasks.dispatch_outbox", status="SUCCESSFUL"
        ).exists()
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, proc.stderr
    assert OutboxEvent.objects.filter(dispatched_at__isnull=True).count() == 0
