"""Local HTTP servers speaking MSG91's flow API and Twilio's Messages API (the shapes in
/work/shared/reference/integrations.md), on the fake-server kit of `tests/gateways/servers.py`:
they check what the real APIs check (the authkey header, Basic SID:token, JSON vs form
bodies, E.164 numbers, a registered template), record every request and can be scripted to
fail ("500") or to answer too late ("lost": the SMS is sent, the answer never arrives)."""

from __future__ import annotations

import base64
import json
import re
import secrets
from typing import Any
from urllib.parse import parse_qsl

from tests.gateways.servers import ApiError, FakeServer, Recorded

_E164 = re.compile(r"^\+[1-9]\d{7,14}$")


def header(rec: Recorded, name: str) -> str | None:
    """HTTP header names are case-insensitive (urllib sends "Authkey")."""
    return next((v for k, v in rec.headers.items() if k.lower() == name.lower()), None)


class Msg91Server(FakeServer):
    prefix = "/api/v5"

    def __init__(self, authkey: str, templates: set[str]) -> None:
        super().__init__()
        self.authkey, self.templates = authkey, templates
        self.sent: list[dict[str, Any]] = []  # one per recipient actually texted

    def parse_body(self, content_type: str, raw: bytes) -> Any:
        if "application/json" not in content_type:
            raise ApiError(400, {"type": "error", "message": "JSON body required"})
        return json.loads(raw or b"{}")

    def authenticate(self, rec: Recorded) -> None:
        if header(rec, "authkey") != self.authkey:
            raise ApiError(401, {"type": "error", "message": "Authentication failure"})

    def route(self, rec: Recorded) -> tuple[int, dict[str, Any]]:
        if (rec.method, rec.path) != ("POST", "/api/v5/flow"):
            raise ApiError(404, {"type": "error", "message": "Not found"})
        body = rec.body or {}
        if body.get("template_id") not in self.templates:
            # MSG91 answers some refusals with 200 and type "error".
            return 200, {"type": "error", "message": "Template ID Missing or Invalid"}
        recipients = body.get("recipients")
        if not isinstance(recipients, list) or not recipients:
            raise ApiError(400, {"type": "error", "message": "recipients required"})
        for r in recipients:
            if not re.fullmatch(r"[1-9]\d{9,14}", str(r.get("mobiles", ""))):
                raise ApiError(400, {"type": "error", "message": "Mobile number invalid"})
        request_id = secrets.token_hex(12)
        self.sent += [{"request_id": request_id, **r} for r in recipients]
        return 200, {"type": "success", "message": request_id}


class TwilioServer(FakeServer):
    prefix = ""

    def __init__(self, sid: str, token: str) -> None:
        super().__init__()
        self.sid, self.token = sid, token
        self.sent: list[dict[str, str]] = []

    def parse_body(self, content_type: str, raw: bytes) -> Any:
        if "application/x-www-form-urlencoded" not in content_type:
            raise ApiError(400, {"code": 20001, "message": "form body required", "status": 400})
        return dict(parse_qsl(raw.decode(), keep_blank_values=True))

    def authenticate(self, rec: Recorded) -> None:
        expected = base64.b64encode(f"{self.sid}:{self.token}".encode()).decode()
        if rec.headers.get("Authorization") != f"Basic {expected}":
            raise ApiError(401, {"code": 20003, "message": "Authenticate", "status": 401})

    def route(self, rec: Recorded) -> tuple[int, dict[str, Any]]:
        if (rec.method, rec.path) != ("POST", f"/2010-04-01/Accounts/{self.sid}/Messages.json"):
            raise ApiError(404, {"code": 20404, "message": "Not found", "status": 404})
        form = rec.body or {}
        to = form.get("To", "")
        if not _E164.match(to):
            raise ApiError(
                400,
                {"code": 21211, "message": f"Invalid 'To' Phone Number: {to}", "status": 400},
            )
        if not (form.get("From") or form.get("MessagingServiceSid")):
            raise ApiError(
                400, {"code": 21603, "message": "A 'From' phone number is required.", "status": 400}
            )
        if not form.get("Body"):
            raise ApiError(
                400, {"code": 21602, "message": "Message body is required.", "status": 400}
            )
        message = {
            "sid": "SM" + secrets.token_hex(16),
            "status": "queued",
            "to": to,
            "body": form["Body"],
        }
        self.sent.append({**form, "sid": message["sid"]})
        return 201, message
