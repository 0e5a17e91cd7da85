"""Typed domain events, and the consumers that subscribe to them.

One class per fact, declared in the emitting context's `events.py`:

    class OrderCancelled(Event):
        \"\"\"An order was cancelled (by staff, the shopper or the payment clock).\"\"\"

        event_type = "order.cancelled"
        version = 1
        example = {"number": "HT-10042", ...}

        number: str
        \"\"\"Public order number.\"\"\"

A class is a pydantic model, so building one validates the payload (a wrong type fails in
the service, inside its transaction, not in a consumer hours later) and its JSON schema is
free: `docs/events.md` is generated from these classes (`haat manage events_catalogue`).
Attribute docstrings are the field descriptions. `example` is a payload the tests validate
against the class and its JSON schema.

Names are `<context>.<fact>`, the context in the singular (`order.placed`,
`inventory.hold_expired`, `payment.link_created`). A fact has one class, so one payload,
and only its own context emits it, with `haat.core.outbox.emit` inside the change's
transaction.

Versions: a change that an old consumer could misread (a field removed, renamed or given
a new meaning) is a new class with the same `event_type` and `version + 1`. Keep the old
class registered while rows of it may still be undispatched, and let consumers subscribe to
both; a stored event whose (type, version) has no class fails its delivery loudly instead
of being skipped. Adding an optional field is not a new version.

Consumers live in the consuming context's `consumers.py` (imported in every process when
the apps are ready):

    @consumer("payments.expire_open", OrderCancelled)
    def expire_open(event: OrderCancelled, delivery: Delivery) -> None: ...

Each consumer gets each event once (see `haat.core.dispatch`), with `delivery.key` as the
idempotency key of any external effect.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar, TypeVar

from pydantic import BaseModel, ConfigDict

NAME = re.compile(r"^[a-z][a-z_]*\.[a-z][a-z_]*$")
MAX_CONSUMER_NAME = 100  # OutboxDelivery.consumer


_CONFIG = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)


class Part(BaseModel):
    """A nested piece of a payload (an order line, a price change), documented like one."""

    model_config = _CONFIG


class Event(BaseModel):
    """Base of every domain event: a frozen, validated payload plus its type and version."""

    model_config = _CONFIG

    event_type: ClassVar[str]
    version: ClassVar[int] = 1
    example: ClassVar[dict[str, Any]]

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        if "event_type" in cls.__dict__:  # a concrete event; shared payload bases have none
            _register(cls)


_classes: dict[tuple[str, int], type[Event]] = {}


def _register(cls: type[Event]) -> None:
    if not NAME.match(cls.event_type):
        raise ValueError(f"{cls.__qualname__}: event_type must be 'context.fact'")
    if not isinstance(cls.version, int) or cls.version < 1:
        raise ValueError(f"{cls.__qualname__}: version must be a positive integer")
    if not isinstance(getattr(cls, "example", None), dict):
        raise ValueError(f"{cls.__qualname__}: give an example payload (docs and tests use it)")
    key = (cls.event_type, cls.version)
    taken = _classes.get(key)
    if taken is not None and (taken.__module__, taken.__qualname__) != (
        cls.__module__,
        cls.__qualname__,
    ):
        raise ValueError(f"{key} is already {taken.__module__}.{taken.__qualname__}")
    _classes[key] = cls


def event_classes() -> list[type[Event]]:
    """Every registered event class, by type and version."""
    return [_classes[key] for key in sorted(_classes)]


def load(event_type: str, version: int, payload: dict[str, Any]) -> Event:
    """The typed event of a stored row. Raises LookupError for an unknown (type, version)
    and pydantic's ValidationError for a payload that does not fit its class."""
    cls = _classes.get((event_type, version))
    if cls is None:
        raise LookupError(f"No event class is registered for {event_type} version {version}.")
    return cls.model_validate(payload)


@dataclass(frozen=True)
class Delivery:
    """What a consumer knows besides the event itself."""

    event_id: int
    aggregate_type: str
    aggregate_id: str
    created_at: datetime
    # "<event id>:<consumer>": send it as the idempotency key of any external effect.
    key: str


E = TypeVar("E", bound=Event)
Handler = Callable[[Any, Delivery], None]
# Many events at once, oldest first: the same database effects as calling the handler for
# each, in one transaction with their delivery rows (see haat.core.dispatch).
BatchHandler = Callable[[list[tuple[Any, Delivery]]], None]


@dataclass(frozen=True)
class Consumer:
    name: str
    events: tuple[type[Event], ...]
    handler: Handler
    batch: BatchHandler | None = None

    def wants(self, event_type: str) -> bool:
        return any(cls.event_type == event_type for cls in self.events)

    def accepts(self, event: Event) -> bool:
        """False for a version of the event this consumer did not subscribe to (exact
        classes: a version 2 that subclasses version 1 is still another version)."""
        return type(event) in self.events


_consumers: dict[str, Consumer] = {}


def consumer(
    name: str, *events: type[E], batch: BatchHandler | None = None
) -> Callable[[Callable[[E, Delivery], None]], Callable[[E, Delivery], None]]:
    """Register `handler(event, delivery)` as consumer `name` of the given event classes.
    The name is the consumer's identity in `OutboxDelivery`: never rename a live one.

    `batch(items)`, when given, handles many (event, delivery) pairs in one go with the
    same database effects as the handler called for each: the dispatcher then delivers a
    whole batch in one transaction (a constant number of statements, not a dozen per
    event), and falls back to the one-by-one handler when the batch fails, so one bad event
    is retried on its own. Only for consumers without external effects of their own."""
    if not events or not all("event_type" in cls.__dict__ for cls in events):
        raise ValueError(f"Consumer {name} must subscribe to concrete event classes")
    if not NAME.match(name) or len(name) > MAX_CONSUMER_NAME:
        raise ValueError(f"Consumer name {name!r} must be 'context.action'")

    def register(handler: Callable[[E, Delivery], None]) -> Callable[[E, Delivery], None]:
        taken = _consumers.get(name)
        if taken is not None and taken.handler is not handler:
            raise ValueError(f"Consumer {name} is already registered")
        _consumers[name] = Consumer(name, tuple(events), handler, batch)
        return handler

    return register


def consumers() -> list[Consumer]:
    return list(_consumers.values())


def unregister(name: str) -> None:
    _consumers.pop(name, None)
