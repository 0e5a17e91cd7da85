"""The `haat` command line: argument parsing in-process, real commands in subprocesses."""

import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from haat.cli import build_parser, main, serve_address
from haat.server import DEFAULT_THREADS, MAX_DEFAULT_WORKERS, default_workers, server_options
from tests.processes import free_port, haat_env, wait_for_health

REPO = Path(__file__).resolve().parents[2]


def run_haat(*args: str, data_dir: Path, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "haat.cli", *args],
        env=haat_env(data_dir),
        cwd=data_dir,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_serve_defaults():
    args = build_parser().parse_args(["serve"])
    assert (args.host, args.port, args.workers, args.no_worker, args.demo) == (
        "127.0.0.1",
        8000,
        None,
        False,
        False,
    )


def test_serve_options_parse():
    args = build_parser().parse_args(
        ["serve", "--host", "0.0.0.0", "--port", "9001", "--workers", "3", "--no-worker", "--demo"]
    )
    assert (args.host, args.port, args.workers, args.no_worker, args.demo) == (
        "0.0.0.0",
        9001,
        3,
        True,
        True,
    )


def test_worker_queues_and_scheduler_flag():
    args = build_parser().parse_args(["worker", "--queue", "mail", "--queue", "default"])
    assert args.queues == ["mail", "default"] and args.no_scheduler is False
    assert build_parser().parse_args(["worker", "--no-scheduler"]).queues is None


def test_bad_arguments_exit_with_usage(capsys):
    with pytest.raises(SystemExit) as excinfo:
        main(["serve", "--workers", "0"])
    assert excinfo.value.code == 2
    assert "must be 1 or more" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["launch-rockets"])


def test_server_options_use_threads_and_quiet_logs():
    options = server_options(host="[::1]", port=8123, workers=None)
    assert (options["address"], options["port"]) == ("::1", 8123)
    assert options["target"] == "haat.wsgi:application"
    assert str(options["interface"].value) == "wsgi"
    assert options["blocking_threads"] == DEFAULT_THREADS == 2
    assert options["workers"] == default_workers()
    assert str(options["log_level"].value) == "warning" and options["log_access"] is False
    assert server_options(host="127.0.0.1", port=1, access_log=True)["log_access"] is True
    assert server_options(host="127.0.0.1", port=1, workers=3, threads=5)["workers"] == 3


@pytest.mark.parametrize(("cores", "workers"), [(1, 1), (3, 3), (16, MAX_DEFAULT_WORKERS)])
def test_default_workers_is_one_per_core_up_to_the_cap(monkeypatch, cores, workers):
    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: set(range(cores)), raising=False)
    assert default_workers() == workers


def test_manage_check_runs_django_system_checks(tmp_path):
    result = run_haat("manage", "check", data_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_manage_unknown_command_fails(tmp_path):
    result = run_haat("manage", "no-such-command", data_dir=tmp_path)
    assert result.returncode != 0
    assert "Unknown command" in result.stderr


def test_serve_answers_health_then_stops_with_its_worker(tmp_path):
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "haat.cli", "serve", "--port", str(port), "--workers", "1"],
        env=haat_env(tmp_path),
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        body = wait_for_health(port, process, deadline=time.monotonic() + 90)
        assert body == b'{"status": "ok", "database": "ok"}'
        children = child_pids(process.pid)
        assert children, "expected web workers and the task worker as children"
        # Links (e-mails, payment links) point at this server when HAAT_BASE_URL is unset.
        environ = Path(f"/proc/{children[0]}/environ").read_bytes().split(b"\0")
        assert f"HAAT_SERVE_ADDRESS=http://127.0.0.1:{port}".encode() in environ
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=15)
    assert process.returncode == 0, output
    assert f"http://127.0.0.1:{port}/dashboard/" in output
    assert f"http://127.0.0.1:{port}/api/v1/docs" in output
    # no e-mail settings: it says where a password-reset link can be found
    assert f"E-mail      saved as files in {tmp_path / 'mail'} (not sent)" in output
    assert (tmp_path / "haat.sqlite3").exists()
    time.sleep(0.2)
    assert not [pid for pid in children if Path(f"/proc/{pid}").exists() and not zombie(pid)]


def child_pids(pid: int) -> list[int]:
    """Processes whose parent is `pid` (read from /proc, Linux only)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(") ", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[1].startswith("Z")
    except (FileNotFoundError, IndexError):
        return True


def test_links_point_at_the_served_address_unless_haat_base_url_is_set(tmp_path):
    show = "from django.conf import settings; print(settings.HAAT_BASE_URL)"
    env = {**haat_env(tmp_path), "HAAT_SERVE_ADDRESS": "http://127.0.0.1:8123"}
    env.pop("HAAT_BASE_URL", None)
    run = [sys.executable, "-m", "haat.cli", "manage", "shell", "-c", show]
    served = subprocess.run(run, env=env, cwd=tmp_path, capture_output=True, text=True)
    assert served.stdout.splitlines()[-1] == "http://127.0.0.1:8123", served.stderr
    env["HAAT_BASE_URL"] = "https://admin.kesarilane.example"
    chosen = subprocess.run(run, env=env, cwd=tmp_path, capture_output=True, text=True)
    assert chosen.stdout.splitlines()[-1] == "https://admin.kesarilane.example", chosen.stderr
    assert serve_address("0.0.0.0", 9000) == "http://127.0.0.1:9000"
    assert serve_address("::1", 9000) == "http://[::1]:9000"


def test_email_is_saved_as_files_unless_email_settings_are_given(tmp_path):
    """A laptop has no mail server on localhost:25: without settings mail goes to files;
    EMAIL_URL, EMAIL_HOST or EMAIL_BACKEND (anymail) choose a real sender."""
    show = (
        "from django.conf import settings as s; "
        "print(s.EMAIL_BACKEND, s.EMAIL_HOST, s.EMAIL_PORT, s.EMAIL_USE_TLS, s.EMAIL_HOST_USER)"
    )
    clean = {k: v for k, v in haat_env(tmp_path).items() if not k.startswith("EMAIL_")}

    def settings_with(**env: str) -> str:
        run = [sys.executable, "-m", "haat.cli", "manage", "shell", "-c", show]
        result = subprocess.run(
            run, env={**clean, **env}, cwd=tmp_path, capture_output=True, text=True
        )
        assert result.returncode == 0, result.stderr
        return result.stdout.splitlines()[-1].strip()

    assert settings_with() == "haat.core.mail_delivery.LocalFileBackend localhost 25 False"
    assert settings_with(EMAIL_URL="smtp+tls://ops%40kl.example:pw@smtp.kl.example:587") == (
        "django.core.mail.backends.smtp.EmailBackend smtp.kl.example 587 True ops@kl.example"
    )
    assert settings_with(EMAIL_HOST="mail.internal") == (
        "django.core.mail.backends.smtp.EmailBackend mail.internal 25 False"
    )
    assert settings_with(EMAIL_BACKEND="anymail.backends.resend.EmailBackend").startswith(
        "anymail.backends.resend.EmailBackend "
    )


def test_createstaff_passes_its_arguments_to_the_command(tmp_path):
    assert run_haat("manage", "migrate", "--noinput", data_dir=tmp_path).returncode == 0
    result = run_haat(
        "createstaff",
        "--email",
        "ops@kesarilane.example",
        "--role",
        "manager",
        "--password",
        "Chai-and-chikan-2024",
        "--no-input",
        data_dir=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    again = run_haat(
        "createstaff", "--email", "ops@kesarilane.example", "--no-input", data_dir=tmp_path
    )
    assert again.returncode == 1
    assert "already exists" in again.stderr


@pytest.mark.django_db
@pytest.mark.skipif(not os.environ.get("HAAT_TEST_DATABASE_URL"), reason="PostgreSQL only")
def test_serve_closes_postgres_pools_before_forking(tmp_path):
    """A pool inherited by the server's forked workers would share server sockets between
    processes (queries reading each other's results), so the master closes it first."""
    from django.db import connection

    parts = urlsplit(os.environ["HAAT_TEST_DATABASE_URL"])
    url = parts._replace(path="/" + connection.settings_dict["NAME"]).geturl()
    script = (
        "from haat.cli import setup_django, release_database_connections\n"
        "setup_django()\n"
        "from django.db import connection\n"
        "connection.ensure_connection()\n"
        "assert connection.alias in connection._connection_pools\n"
        "release_database_connections()\n"
        "print('pools left:', len(connection._connection_pools))\n"
    )
    env = {**haat_env(tmp_path), "DATABASE_URL": url}
    result = subprocess.run(
        [sys.executable, "-c", script], env=env, cwd=tmp_path, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert "pools left: 0" in result.stdout


@pytest.mark.parametrize(
    ("env", "missing"),
    [({}, "SECRET_KEY"), ({"SECRET_KEY": "s" * 50}, "ALLOWED_HOSTS")],
)
def test_production_mode_refuses_to_start_without_its_secrets(tmp_path, env, missing):
    inherited = haat_env(tmp_path).items()
    child_env = {k: v for k, v in inherited if k not in ("SECRET_KEY", "ALLOWED_HOSTS")}
    child_env.update(HAAT_ENV="production", **env)
    result = subprocess.run(
        [sys.executable, "-m", "haat.cli", "manage", "check"],
        env=child_env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert f"Haat configuration error: {missing} must be set" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "secret_key").exists()  # no key generated behind the operator's back
