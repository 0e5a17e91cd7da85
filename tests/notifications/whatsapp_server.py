"""A local HTTP server speaking the WhatsApp Cloud API's documented shapes for
`POST /{version}/{phone-number-id}/messages` (the official SDK's request; the response
`{"messaging_product", "contacts", "messages": [{"id": "wamid..."}]}`), and a signer for
callbacks the way Meta signs them (`X-Hub-Signature-256: sha256=<hex>`)."""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from typing import Any

from tests.gateways.servers import ApiError, FakeServer, Recorded

TOKEN = "EAAtest-token"
PHONE_NUMBER_ID = "106540352242922"
APP_SECRET = "app-secret-for-tests"
VERIFY_TOKEN = "verify-me"


def graph_error(status: int, code: int, message: str, details: str = "") -> ApiError:
    return ApiError(
        status,
        {
            "error": {
                "message": message,
                "type": "OAuthException",
                "code": code,
                "error_data": {"messaging_product": "whatsapp", "details": details},
                "fbtrace_id": "Az8or2yhqkZfEZ-_4Qn_Bam",
            }
        },
    )


class WhatsAppServer(FakeServer):
    prefix = "/v21.0"

    def __init__(self) -> None:
        super().__init__()
        self.sent: list[dict[str, Any]] = []
        self.known_templates = {("order_placed", "en"), ("cod_confirmation", "en")}

    def parse_body(self, content_type: str, raw: bytes) -> Any:
        if "application/json" not in content_type:
            raise ApiError(400, {"error": {"message": "JSON expected", "code": 100}})
        return json.loads(raw or b"{}")

    def authenticate(self, rec: Recorded) -> None:
        if rec.headers.get("Authorization") != f"Bearer {TOKEN}":
            raise graph_error(401, 190, "Invalid OAuth access token - Cannot parse access token")

    def route(self, rec: Recorded) -> tuple[int, dict[str, Any]]:
        if rec.method != "POST" or rec.path != f"{self.prefix}/{PHONE_NUMBER_ID}/messages":
            raise graph_error(400, 100, "Unsupported post request.")
        body = rec.body
        if body.get("messaging_product") != "whatsapp" or body.get("type") != "template":
            raise graph_error(400, 100, "(#100) Invalid parameter")
        to = body.get("to", "")
        if not to.isdigit():
            raise graph_error(400, 131009, "(#131009) Parameter value is not valid")
        template = body["template"]
        if (template["name"], template["language"]["code"]) not in self.known_templates:
            raise graph_error(
                404, 132001, "(#132001) Template name does not exist in the translation"
            )
        wamid = "wamid.HBgM" + secrets.token_hex(12)
        with self.lock:
            self.sent.append({**body, "_wamid": wamid})
        return 200, {
            "messaging_product": "whatsapp",
            "contacts": [{"input": to, "wa_id": to}],
            "messages": [{"id": wamid}],
        }


def sign(body: bytes, secret: str = APP_SECRET) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def callback(*, statuses: list[dict] | None = None, messages: list[dict] | None = None) -> bytes:
    """A webhook body as Meta sends it (`entry[].changes[].value`)."""
    value: dict[str, Any] = {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "15550000000", "phone_number_id": PHONE_NUMBER_ID},
    }
    if statuses is not None:
        value["statuses"] = statuses
    if messages is not None:
        value["contacts"] = [{"profile": {"name": "Asha"}, "wa_id": "919845012345"}]
        value["messages"] = messages
    body = {
        "object": "whatsapp_business_account",
        "entry": [{"id": "WABA_ID", "changes": [{"value": value, "field": "messages"}]}],
    }
    return json.dumps(body).encode()


def status(wamid: str, kind: str, ts: int, **extra: Any) -> dict[str, Any]:
    return {
        "id": wamid,
        "status": kind,
        "timestamp": str(ts),
        "recipient_id": "919845012345",
        **extra,
    }


def button_reply(payload: str, *, sender: str = "919845012345", context_id: str = "") -> dict:
    return {
        "from": sender,
        "id": "wamid.in" + secrets.token_hex(6),
        "timestamp": "1760000000",
        "type": "button",
        "button": {"payload": payload, "text": "Confirm"},
        "context": {"from": "15550000000", "id": context_id},
    }


def text(body: str, *, sender: str = "919845012345") -> dict:
    return {
        "from": sender,
        "id": "wamid.in" + secrets.token_hex(6),
        "timestamp": "1760000000",
        "type": "text",
        "text": {"body": body},
    }
