"""core.ratelimit: fixed-window counters in the cache."""

from __future__ import annotations

import pytest
from django.test import override_settings

from haat.core import ratelimit
from haat.core.ratelimit import Rate


def test_rates_parse_and_refuse_nonsense():
    assert Rate.parse("600/m") == Rate(600, 60)
    assert Rate.parse("5/hour") == Rate(5, 3600)
    assert Rate.parse(" 2 / s ") == Rate(2, 1)
    for bad in ("600", "x/m", "5/w", "0/m", "-1/s"):
        with pytest.raises(ValueError):
            Rate.parse(bad)


@override_settings(HAAT_RATE_LIMITS={"test": "3/m"})
def test_hits_count_per_key_and_window_and_say_how_long_to_wait():
    start = 1_000_040.0  # 20 s into a minute window (1_000_020 starts one)
    assert [ratelimit.hit("test", "a", now=start) for _ in range(3)] == [None] * 3
    assert ratelimit.hit("test", "a", now=start) == 40
    assert ratelimit.hit("test", "b", now=start) is None  # another key has its own count
    assert ratelimit.hit("test", "a", now=start + 40) is None  # the next window starts afresh


@override_settings(HAAT_RATE_LIMITS={"test": "1/m"}, HAAT_RATE_LIMITS_ENABLED=False)
def test_limits_can_be_switched_off():
    assert [ratelimit.hit("test", "k") for _ in range(5)] == [None] * 5


def test_unknown_scopes_and_empty_keys_are_not_limited():
    assert ratelimit.hit("no-such-scope", "k") is None
    with override_settings(HAAT_RATE_LIMITS={"test": "1/m"}):
        assert [ratelimit.hit("test", "") for _ in range(3)] == [None] * 3
