"""Rate limits: fixed-window counters in the cache (Redis when configured, else local memory).

    wait = hit("checkout_ip", client_ip(request))   # None: go ahead; else seconds to wait

Each limit is named (a *scope*) and set in `HAAT_RATE_LIMITS` as `count/period` (`s`, `m`,
`h`, `d`), e.g. `"checkout_ip": "600/m"`. The counter for (scope, key) lives in the cache
for the current window only: one `incr` per request in the steady state (plus an `add` for
the first request of a window), atomic on Redis and in local memory alike. With local
memory every web process counts on its own, so the effective limit is per process; with
Redis (`REDIS_URL`) it is per store. `HAAT_RATE_LIMITS_ENABLED=false` turns every limit
off (benchmarks that drive a server from one address).

Why fixed windows: a sliding log (a list of timestamps per key, as django-ninja's own
throttles keep) costs a read-modify-write of a growing list per request and is not atomic
across processes; a counter is one atomic operation. A burst of twice the rate across a
window boundary is the accepted price.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache as memoize
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse

from haat.core.errors import RateLimited

_PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True)
class Rate:
    count: int
    seconds: int

    @classmethod
    def parse(cls, text: str) -> Rate:
        """`"600/m"` → Rate(600, 60). ValueError names a malformed rate."""
        try:
            count, period = text.strip().split("/")
            seconds = _PERIODS[period.strip()[:1].lower()]
            rate = cls(int(count), seconds)
        except (ValueError, KeyError):
            raise ValueError(f"A rate is 'count/period' with s, m, h or d; got {text!r}") from None
        if rate.count < 1:
            raise ValueError(f"A rate needs a count of at least 1; got {text!r}")
        return rate


@memoize
def _parsed(text: str) -> Rate:
    return Rate.parse(text)


def rate_for(scope: str) -> Rate | None:
    """The configured rate of `scope`; None when limits are off or the scope has none."""
    if not settings.HAAT_RATE_LIMITS_ENABLED:
        return None
    text = settings.HAAT_RATE_LIMITS.get(scope)
    return _parsed(text) if text else None


def hit(scope: str, key: str, *, now: float | None = None) -> int | None:
    """Count one request for (scope, key); the whole seconds to wait when over the limit."""
    rate = rate_for(scope)
    if rate is None or not key:
        return None
    now = time.time() if now is None else now
    window = int(now // rate.seconds)
    name = f"haat:rl:{scope}:{window}:{key}"
    try:
        count = cache.incr(name)
    except ValueError:  # first request of the window (or the key just expired)
        count = 1 if cache.add(name, 1, timeout=rate.seconds + 1) else cache.incr(name)
    if count <= rate.count:
        return None
    return max(math.ceil((window + 1) * rate.seconds - now), 1)


def count_only(scope: str, key: str) -> int:
    """How many hits (scope, key) has in the current window, without counting one."""
    rate = rate_for(scope)
    if rate is None or not key:
        return 0
    window = int(time.time() // rate.seconds)
    return int(cache.get(f"haat:rl:{scope}:{window}:{key}") or 0)


def reset(scope: str, key: str) -> None:
    """Forget (scope, key)'s count in the current window."""
    rate = rate_for(scope)
    if rate is not None:
        window = int(time.time() // rate.seconds)
        cache.delete(f"haat:rl:{scope}:{window}:{key}")


def over(scope: str, key: str) -> bool:
    """True when (scope, key) has used up its window (for counters of failures)."""
    rate = rate_for(scope)
    return rate is not None and count_only(scope, key) >= rate.count


class TooManyRequests(RateLimited):
    """429 `rate_limited`; `retry_after` is sent as the Retry-After header."""

    def __init__(self, retry_after: int, *, scope: str) -> None:
        super().__init__(
            f"Too many requests; try again in {retry_after} seconds.",
            details={"retry_after": retry_after, "limit": scope},
        )
        self.retry_after = retry_after


KeyFunction = Callable[[HttpRequest, dict[str, Any]], str]


def too_many_response(wait: int) -> HttpResponse:
    """The 429 page of a rate-limited page (the API answers with its JSON body instead)."""
    response = HttpResponse(
        f"Too many requests; please try again in {wait} seconds.",
        status=429,
        content_type="text/plain; charset=utf-8",
    )
    response["Retry-After"] = str(wait)
    return response


def limit_view(*rules: tuple[str, KeyFunction], methods: tuple[str, ...] = ()) -> Callable:
    """Decorate a page: each (scope, key function of (request, view kwargs)) counts one hit
    per request (only for `methods`, when given); over any limit the reply is a 429."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def limited(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not methods or request.method in methods:
                for scope, key in rules:
                    wait = hit(scope, key(request, kwargs))
                    if wait is not None:
                        return too_many_response(wait)
            return view(request, *args, **kwargs)

        return limited

    return decorate
