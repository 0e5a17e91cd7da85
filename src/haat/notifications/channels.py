"""The channels a message can go out on, behind one small interface.

An adapter turns an `Outgoing` message into a provider call and returns the provider's id
for it. `idempotent` says whether the provider drops a second call with the same key
(SMTP, Twilio's Messages API, MSG91's flow API and the WhatsApp Cloud API document none): a
message whose sender died mid-call is retried only on such channels, and otherwise marked
failed for staff to look at, because re-sending might send it twice (see
`sending.recover_stale`).

E-mail, SMS and WhatsApp plug in by adding an adapter to `ADAPTERS` and a value to
`models.Channel`; SMS and WhatsApp address customers by E.164 phone (`phones.py`).
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any, Protocol


class ChannelError(Exception):
    """The provider refused or could not be reached. `permanent`: retrying cannot help
    (an address the server does not know); else the message is retried with back-off."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


@dataclass(frozen=True)
class Outgoing:
    key: str  # the message key: the provider idempotency key where there is one
    recipient: str
    recipient_name: str
    subject: str
    body_text: str
    body_html: str
    payload: dict[str, Any] = field(default_factory=dict)  # Message.provider_payload


Sender = Callable[[Outgoing], str]  # returns the provider's id of the message


class Adapter(Protocol):
    channel: str
    provider: str
    idempotent: bool

    def open(self) -> AbstractContextManager[Sender]:
        """A sender for a batch (one SMTP connection, one HTTP session)."""
        ...


ADAPTERS: dict[str, Adapter] = {}


def register(adapter: Adapter) -> Adapter:
    ADAPTERS[adapter.channel] = adapter
    return adapter


def adapter_for(channel: str) -> Adapter:
    return ADAPTERS[channel]
