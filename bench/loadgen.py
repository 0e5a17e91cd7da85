"""Concurrent HTTP load: `wrk` with a Lua script when installed, else Python threads.

Both send GET requests for paths drawn at random from a list, with one extra header, for a
fixed time over keep-alive connections, and report requests/s, p50, p95 and errors.
"""

from __future__ import annotations

import http.client
import json
import random
import shutil
import statistics
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class LoadResult:
    requests: int
    seconds: float
    p50_ms: float
    p95_ms: float
    errors: int

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def have_wrk() -> bool:
    return shutil.which("wrk") is not None


def run_load(
    *,
    host: str,
    port: int,
    paths: list[str],
    headers: dict[str, str],
    seconds: float,
    connections: int,
    tool: str,
) -> LoadResult:
    if tool == "wrk":
        return _run_wrk(host, port, paths, headers, seconds, connections)
    return _run_threads(host, port, paths, headers, seconds, connections)


LUA = """
local paths = {%(paths)s}
%(headers)s
math.randomseed(os.time())
request = function()
  return wrk.format("GET", paths[math.random(#paths)])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'HAATRESULT {"requests": %%d, "us": %%d, "p50": %%d, "p95": %%d, "errors": %%d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    e.connect + e.read + e.write + e.status + e.timeout))
end
"""


def _lua_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _run_wrk(
    host: str, port: int, paths: list[str], headers: dict[str, str], seconds: float, conns: int
) -> LoadResult:
    script = LUA % {
        "paths": ", ".join(_lua_string(p) for p in paths),
        "headers": "\n".join(
            f"wrk.headers[{_lua_string(k)}] = {_lua_string(v)}" for k, v in headers.items()
        ),
    }
    with tempfile.TemporaryDirectory(prefix="haat-wrk-") as tmp:
        lua = Path(tmp) / "store.lua"
        lua.write_text(script)
        threads = max(1, min(conns, 2))
        out = subprocess.run(
            [
                "wrk",
                f"-t{threads}",
                f"-c{conns}",
                f"-d{max(1, round(seconds))}s",
                "--timeout",
                "10s",
                "-s",
                str(lua),
                f"http://{host}:{port}",
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    line = next(x for x in out.splitlines() if x.startswith("HAATRESULT "))
    data = json.loads(line.removeprefix("HAATRESULT "))
    return LoadResult(
        requests=data["requests"],
        seconds=data["us"] / 1e6,
        p50_ms=data["p50"] / 1000,
        p95_ms=data["p95"] / 1000,
        errors=data["errors"],
    )


def _run_threads(
    host: str, port: int, paths: list[str], headers: dict[str, str], seconds: float, conns: int
) -> LoadResult:
    latencies: list[list[float]] = [[] for _ in range(conns)]
    errors = [0] * conns
    start_gate = threading.Barrier(conns + 1)
    deadline_box: list[float] = []

    def client(n: int) -> None:
        rng = random.Random(n)
        conn = http.client.HTTPConnection(host, port, timeout=10)
        start_gate.wait()
        deadline = deadline_box[0]
        while time.perf_counter() < deadline:
            began = time.perf_counter()
            try:
                conn.request("GET", rng.choice(paths), headers=headers)
                response = conn.getresponse()
                response.read()
                if response.status != 200:
                    errors[n] += 1
            except (OSError, http.client.HTTPException):
                errors[n] += 1
                conn.close()
                conn = http.client.HTTPConnection(host, port, timeout=10)
                continue
            latencies[n].append(time.perf_counter() - began)
        conn.close()

    workers = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(conns)]
    for w in workers:
        w.start()
    began = time.perf_counter()
    deadline_box.append(began + seconds)
    start_gate.wait()
    for w in workers:
        w.join()
    elapsed = time.perf_counter() - began
    flat = sorted(x for per in latencies for x in per)
    if len(flat) < 2:
        return LoadResult(len(flat), elapsed, 0.0, 0.0, sum(errors))
    cuts = statistics.quantiles(flat, n=100, method="inclusive")
    return LoadResult(
        requests=len(flat) + sum(errors),
        seconds=elapsed,
        p50_ms=cuts[49] * 1000,
        p95_ms=cuts[94] * 1000,
        errors=sum(errors),
    )
