"""Who is acting and from where, for the audit log, without passing a request around.

Set by `RequestContextMiddleware` for HTTP requests and by the API auth classes when an
API key authenticates; services read it through `current_actor()`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.conf import settings


@dataclass(frozen=True)
class Actor:
    user: Any | None = None  # accounts.User
    label: str = "system"
    ip_address: str | None = None


_SYSTEM = Actor()
_actor: ContextVar[Actor] = ContextVar("haat_actor", default=_SYSTEM)


def current_actor() -> Actor:
    return _actor.get()


def set_actor(actor: Actor) -> None:
    _actor.set(actor)


@contextmanager
def acting_as(actor: Actor) -> Iterator[Actor]:
    token = _actor.set(actor)
    try:
        yield actor
    finally:
        _actor.reset(token)


def client_ip(request: Any) -> str | None:
    # Behind a proxy, operators set HAAT_TRUST_X_FORWARDED_FOR; the first hop is the client.
    if settings.HAAT_TRUST_X_FORWARDED_FOR:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip()
    return request.META.get("REMOTE_ADDR")
