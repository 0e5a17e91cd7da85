"""SMS to customers' phones through MSG91 (flow API) or Twilio (Messages API), chosen by
`HAAT_SMS_PROVIDER`.

India's DLT rules (TRAI TCCCPR 2018) block any SMS whose text differs from a template
registered on an operator's DLT portal, so an SMS template is fixed text with slots: its
body may print variables (`{{ order_number }}`, each a DLT `{#var#}`) but not branch or
loop, and it carries its ids in `Template.provider_template`: `dlt_template_id` (19
digits), `sender_id` (the 6-letter header) and, for MSG91, `msg91_template_id` (MSG91's
own id of the template it links to the DLT one). `payload()` fixes the slot values when
the message is written; MSG91 gets them as `VAR1`, `VAR2`..., Twilio the rendered text.

Neither API takes an idempotency key, so the adapter is not `idempotent`: a call whose
answer never came (a timeout after the request went out) fails the message with "may or
may not have gone out" instead of being retried, and so does a worker that died mid-call
(`sending.recover_stale`). A call that never reached the provider (connection refused)
or that it refused for now (429, 5xx) is retried with back-off.
"""

from __future__ import annotations

import base64
import json
import re
import socket
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings

from haat.core.store import store
from haat.notifications import rendering
from haat.notifications.channels import ChannelError, Outgoing, Sender, register
from haat.notifications.models import Channel

PROVIDERS = {"msg91": "MSG91", "twilio": "Twilio"}
_DLT_ID = re.compile(r"^\d{19}$")  # DLT template and entity ids are 19 digits
_SENDER = re.compile(r"^[A-Z]{6}$")  # an Indian DLT header: six capital letters
_MSG91_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_SLOT = re.compile(r"\{\{(.*?)\}\}", re.S)
_KEYS = ("dlt_template_id", "sender_id", "msg91_template_id")
SLOT_MAX = 30  # DLT allows at most 30 characters in one {#var#}
UNKNOWN_OUTCOME = (
    "{provider} did not answer in time after the message was handed over, so it may or may "
    "not have gone out ({provider} takes no idempotency key, so it is not retried blindly). "
    "Check with the customer before sending it again."
)


# --- settings -------------------------------------------------------------------------------
def provider() -> str:
    """ "msg91", "twilio" or "" (not chosen)."""
    return (settings.HAAT_SMS_PROVIDER or "").strip().lower()


def missing_settings() -> list[str]:
    """The settings still needed for the chosen provider (all of them when none is)."""
    chosen = provider()
    if chosen == "msg91":
        return [] if settings.HAAT_MSG91_AUTHKEY else ["HAAT_MSG91_AUTHKEY"]
    if chosen == "twilio":
        needed = [
            name
            for name in ("HAAT_TWILIO_ACCOUNT_SID", "HAAT_TWILIO_AUTH_TOKEN")
            if not getattr(settings, name)
        ]
        if not (settings.HAAT_TWILIO_FROM or settings.HAAT_TWILIO_MESSAGING_SERVICE_SID):
            needed.append("HAAT_TWILIO_FROM or HAAT_TWILIO_MESSAGING_SERVICE_SID")
        return needed
    return ["HAAT_SMS_PROVIDER (msg91 or twilio)"]


def configured() -> bool:
    return not missing_settings()


def summary() -> str:
    """One sentence for the dashboard: which provider sends SMS, or what is missing."""
    chosen = provider()
    if configured():
        return f"SMS goes out through {PROVIDERS[chosen]}."
    if chosen in PROVIDERS:
        return f"SMS through {PROVIDERS[chosen]} still needs {', '.join(missing_settings())}."
    return (
        "SMS is not set up: set HAAT_SMS_PROVIDER to msg91 or twilio and its keys "
        "(see the configuration guide). SMS rules stay off until then."
    )


def needs_dlt() -> bool:
    """Indian stores must register every SMS template on DLT."""
    return store().country == "IN"


# --- templates ------------------------------------------------------------------------------
def check_body(body: str) -> list[str]:
    """An SMS body must be fixed text with slots, as DLT registers it."""
    problems = []
    if "{%" in body:
        problems.append(
            "An SMS must be fixed text with variables, as registered on DLT: remove "
            "{% if %}, {% for %} and other tags."
        )
    return problems


def dlt_text(body: str) -> str:
    """The body as it is registered on DLT: each variable a `{#var#}`."""
    return _SLOT.sub("{#var#}", body)


def check_provider_template(mapping: Any) -> list[str]:
    """Problems with an SMS template's ids (empty ones are allowed until a rule uses it)."""
    if not isinstance(mapping, dict) or set(mapping) - set(_KEYS):
        return ["The SMS settings may hold only the DLT template id, sender id and MSG91 id."]
    problems = []
    dlt = str(mapping.get("dlt_template_id") or "")
    if dlt and not _DLT_ID.match(dlt):
        problems.append("The DLT template id is the 19-digit number the DLT portal gave.")
    sender = str(mapping.get("sender_id") or "")
    if sender and not _SENDER.match(sender):
        problems.append("The sender id is the 6-letter header registered on DLT, e.g. KESARI.")
    msg91 = str(mapping.get("msg91_template_id") or "")
    if msg91 and not _MSG91_ID.match(msg91):
        problems.append("The MSG91 template id is letters and digits, as MSG91 shows it.")
    return problems


def clean_provider_template(mapping: dict[str, Any]) -> dict[str, str]:
    return {k: str(mapping.get(k) or "").strip() for k in _KEYS if mapping.get(k)}


def not_ready(mapping: dict[str, Any]) -> str:
    """Why a template cannot be used for SMS now ("" when it can)."""
    if needs_dlt() and not mapping.get("dlt_template_id"):
        return "it has no DLT template id (Indian stores must register every SMS template)"
    if provider() == "msg91" and not mapping.get("msg91_template_id"):
        return "it has no MSG91 template id"
    return ""


def payload(*, mapping: dict[str, Any], body: str, variables: dict[str, Any]) -> dict[str, Any]:
    """What the provider call carries: the ids and each slot's value, in order."""
    slots = [
        rendering.render(subject="", body="{{" + expr + "}}", variables=variables).body
        for expr in _SLOT.findall(body)
    ]
    return {**clean_provider_template(mapping), "vars": [s[:SLOT_MAX] for s in slots]}


# --- sending --------------------------------------------------------------------------------
class _Unknown(Exception):
    """The request went out and no answer came: the provider may have sent it."""


def _post(
    url: str, *, headers: dict[str, str], data: bytes, name: str
) -> tuple[int, dict[str, Any]]:
    request = urllib.request.Request(url, data=data, method="POST", headers=headers)  # noqa: S310
    timeout = float(settings.HAAT_GATEWAY_TIMEOUT_SECONDS)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:  # noqa: S310
            return answer.status, _decode(answer.read())
    except urllib.error.HTTPError as exc:
        return exc.code, _decode(exc.read())
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, ConnectionRefusedError | socket.gaierror):
            raise ChannelError(f"{name} could not be reached ({reason}).") from None
        raise _Unknown(str(reason)) from None
    except (TimeoutError, ConnectionError, OSError) as exc:
        raise _Unknown(str(exc)) from None


def _decode(raw: bytes) -> dict[str, Any]:
    try:
        value = json.loads(raw or b"{}")
    except ValueError:
        return {"message": raw[:200].decode(errors="replace")}
    return value if isinstance(value, dict) else {"data": value}


def _refused(name: str, status: int, message: str) -> ChannelError:
    """429 and 5xx: the provider did not take it, try later; other 4xx: it never will."""
    retry = status == 429 or status >= 500
    return ChannelError(
        f"{name} refused the message: {message} (HTTP {status}).", permanent=not retry
    )


def _digits(phone: str) -> str:
    return phone.lstrip("+")


def send_msg91(outgoing: Outgoing) -> str:
    ids = outgoing.payload
    if not ids.get("msg91_template_id"):
        raise ChannelError("This SMS template has no MSG91 template id.", permanent=True)
    recipient: dict[str, Any] = {"mobiles": _digits(outgoing.recipient)}
    recipient |= {f"VAR{i}": value for i, value in enumerate(ids.get("vars", []), start=1)}
    body: dict[str, Any] = {
        "template_id": ids["msg91_template_id"],
        "short_url": "0",
        "recipients": [recipient],
    }
    if ids.get("sender_id"):
        body["sender"] = ids["sender_id"]
    url = settings.HAAT_MSG91_API_URL.rstrip("/") + "/flow"
    headers = {
        "authkey": settings.HAAT_MSG91_AUTHKEY,
        "Content-Type": "application/json",
        "Accept": "application/json",
    }
    try:
        status, answer = _post(url, headers=headers, data=json.dumps(body).encode(), name="MSG91")
    except _Unknown:
        raise ChannelError(UNKNOWN_OUTCOME.format(provider="MSG91"), permanent=True) from None
    message = str(answer.get("message") or "")
    if status >= 300 or answer.get("type") != "success":
        raise _refused("MSG91", status if status >= 300 else 400, message or "no reason given")
    return message  # MSG91's request id: its delivery reports carry it


def send_twilio(outgoing: Outgoing) -> str:
    sid, token = settings.HAAT_TWILIO_ACCOUNT_SID, settings.HAAT_TWILIO_AUTH_TOKEN
    form = {"To": outgoing.recipient, "Body": outgoing.body_text}
    if settings.HAAT_TWILIO_MESSAGING_SERVICE_SID:
        form["MessagingServiceSid"] = settings.HAAT_TWILIO_MESSAGING_SERVICE_SID
    else:
        form["From"] = settings.HAAT_TWILIO_FROM
    form["StatusCallback"] = twilio_callback_url()
    url = (
        settings.HAAT_TWILIO_API_URL.rstrip("/")
        + f"/2010-04-01/Accounts/{urllib.parse.quote(sid)}/Messages.json"
    )
    auth = base64.b64encode(f"{sid}:{token}".encode()).decode()
    headers = {
        "Authorization": f"Basic {auth}",
        "Content-Type": "application/x-www-form-urlencoded",
        "Accept": "application/json",
    }
    data = urllib.parse.urlencode(form).encode()
    try:
        status, answer = _post(url, headers=headers, data=data, name="Twilio")
    except _Unknown:
        raise ChannelError(UNKNOWN_OUTCOME.format(provider="Twilio"), permanent=True) from None
    if status >= 300:
        code = answer.get("code")
        text = str(answer.get("message") or "no reason given") + (f" [{code}]" if code else "")
        raise _refused("Twilio", status, text)
    return str(answer.get("sid") or "")


def twilio_callback_url() -> str:
    return settings.HAAT_BASE_URL.rstrip("/") + "/webhooks/sms/twilio/"


class SmsAdapter:
    channel = Channel.SMS
    # Neither MSG91's flow API nor Twilio's Messages API drops a repeated call, so a send
    # cut off mid-way is not retried (see channels.py).
    idempotent = False

    @property
    def provider(self) -> str:  # type: ignore[override]
        return provider() or "sms"

    @contextmanager
    def open(self) -> Iterator[Sender]:
        yield self._send

    def _send(self, outgoing: Outgoing) -> str:
        if not configured():
            raise ChannelError(summary(), permanent=True)
        if provider() == "msg91":
            return send_msg91(outgoing)
        return send_twilio(outgoing)


register(SmsAdapter())
