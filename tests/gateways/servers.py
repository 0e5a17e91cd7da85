"""Local HTTP servers speaking Razorpay's and Stripe's documented request/response shapes.

They check what the real APIs check (auth headers, amounts as integers in the smallest
unit, idempotency headers, Stripe's three-decimal rule), record every request, and can be
told to fail the next call of a route: `server.script("POST /v1/orders", "500")` or
`"lost"` (do the work, then answer too late, as after a network timeout).
"""

from __future__ import annotations

import base64
import contextlib
import json
import re
import secrets
import threading
import time
from collections import defaultdict
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

LATE_SECONDS = 1.0
_ID = re.compile(
    r"/(?:order|pay|plink|pi|re|rfnd)_[A-Za-z0-9]+"
)  # longer than the timeout the tests configure for the client


@dataclass
class Recorded:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: Any


class ApiError(Exception):
    def __init__(self, status: int, body: dict[str, Any]) -> None:
        self.status, self.body = status, body


class FakeServer:
    """Base: a threaded HTTP server on 127.0.0.1 with a request log and failure script."""

    prefix = "/v1"

    def __init__(self) -> None:
        self.requests: list[Recorded] = []
        self._script: dict[str, list[str]] = defaultdict(list)
        self.lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # keep test output quiet
                pass

            def _handle(self) -> None:
                server._dispatch(self)

            do_GET = do_POST = _handle

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}{self.prefix}"

    def start(self) -> FakeServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def script(self, route: str, *outcomes: str) -> None:
        """Make the next calls of `route` ("POST /v1/orders") end in `outcomes`."""
        self._script[route].extend(outcomes)

    def calls(self, method: str, path_prefix: str) -> list[Recorded]:
        return [r for r in self.requests if r.method == method and r.path.startswith(path_prefix)]

    # --- plumbing ---------------------------------------------------------------------
    def _dispatch(self, h: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(h.path)
        raw = h.rfile.read(int(h.headers.get("Content-Length") or 0))
        body = self.parse_body(h.headers.get("Content-Type", ""), raw)
        rec = Recorded(h.command, parts.path, dict(parse_qsl(parts.query)), dict(h.headers), body)
        with self.lock:
            self.requests.append(rec)
            route = f"{h.command} {_ID.sub('/{id}', parts.path)}"
            outcome = self._script[route].pop(0) if self._script[route] else ""
        if outcome == "500":
            return self._send(
                h, 500, {"error": {"description": "Internal error", "message": "boom"}}
            )
        try:
            self.authenticate(rec)
            status, answer = self.route(rec)
        except ApiError as exc:
            status, answer = exc.status, exc.body
        if outcome == "lost":
            time.sleep(LATE_SECONDS)  # the work is done, the client has given up
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self._send(h, status, answer)

    @staticmethod
    def _send(h: BaseHTTPRequestHandler, status: int, body: dict[str, Any]) -> None:
        data = json.dumps(body).encode()
        h.send_response(status)
        h.send_header("Content-Type", "application/json")
        h.send_header("Content-Length", str(len(data)))
        h.end_headers()
        h.wfile.write(data)

    def parse_body(self, content_type: str, raw: bytes) -> Any:
        raise NotImplementedError

    def authenticate(self, rec: Recorded) -> None:
        raise NotImplementedError

    def route(self, rec: Recorded) -> tuple[int, dict[str, Any]]:
        raise NotImplementedError


# --- Razorpay -------------------------------------------------------------------------------
def _rzp_error(status: int, description: str) -> ApiError:
    return ApiError(status, {"error": {"code": "BAD_REQUEST_ERROR", "description": description}})


class RazorpayServer(FakeServer):
    """Orders, payments (seeded by tests), capture, refunds, payment links."""

    def __init__(self, key_id: str, key_secret: str) -> None:
        super().__init__()
        self.key_id, self.key_secret = key_id, key_secret
        self.orders: dict[str, dict[str, Any]] = {}
        self.payments: dict[str, dict[str, Any]] = {}
        self.refunds: dict[str, dict[str, Any]] = {}
        self.refund_keys: dict[str, tuple[Any, dict[str, Any]]] = {}
        self.links: dict[str, dict[str, Any]] = {}

    def parse_body(self, content_type: str, raw: bytes) -> Any:
        if not raw:
            return None
        if "application/json" not in content_type:
            raise ApiError(400, {"error": {"description": "JSON body required"}})
        return json.loads(raw)

    def authenticate(self, rec: Recorded) -> None:
        expected = base64.b64encode(f"{self.key_id}:{self.key_secret}".encode()).decode()
        if rec.headers.get("Authorization") != f"Basic {expected}":
            raise ApiError(
                401,
                {"error": {"code": "BAD_REQUEST_ERROR", "description": "Authentication failed"}},
            )

    def route(self, rec: Recorded) -> tuple[int, dict[str, Any]]:
        m, p, b = rec.method, rec.path, rec.body or {}
        if (m, p) == ("POST", "/v1/orders"):
            return 200, self._create_order(b)
        if (m, p) == ("GET", "/v1/orders"):
            items = [o for o in self.orders.values() if o["receipt"] == rec.query.get("receipt")]
            return 200, {"entity": "collection", "count": len(items), "items": items}
        if match := re.fullmatch(r"/v1/payments/(pay_\w+)", p):
            return 200, self._payment(match[1])
        if match := re.fullmatch(r"/v1/payments/(pay_\w+)/capture", p):
            payment = self._payment(match[1])
            if b.get("amount") != payment["amount"] or b.get("currency") != payment["currency"]:
                raise _rzp_error(400, "Capture amount must be equal to the amount authorized")
            payment["status"] = "captured"
            return 200, payment
        if match := re.fullmatch(r"/v1/payments/(pay_\w+)/refund", p):
            return 200, self._refund(match[1], b, rec.headers.get("X-Refund-Idempotency", ""))
        if (m, p) == ("POST", "/v1/payment_links"):
            return 200, self._create_link(b)
        if (m, p) == ("GET", "/v1/payment_links"):
            found = [
                x for x in self.links.values() if x["reference_id"] == rec.query.get("reference_id")
            ]
            return 200, {"payment_links": found, "count": len(found)}
        raise _rzp_error(404, "The requested URL was not found on the server.")

    def _create_order(self, b: dict[str, Any]) -> dict[str, Any]:
        amount = b.get("amount")
        if not isinstance(amount, int) or isinstance(amount, bool):
            raise _rzp_error(400, "The amount must be an integer.")
        if amount < 100:
            raise _rzp_error(400, "The amount must be atleast INR 1.00")
        if not re.fullmatch(r"[A-Z]{3}", str(b.get("currency", ""))):
            raise _rzp_error(400, "The currency field is invalid.")
        if len(str(b.get("receipt", ""))) > 40:
            raise _rzp_error(400, "The receipt may not be greater than 40 characters.")
        if len(b.get("notes") or {}) > 15:
            raise _rzp_error(400, "Number of fields in notes should be less than or equal to 15")
        order = {
            "id": f"order_{secrets.token_hex(7)}",
            "entity": "order",
            "amount": amount,
            "amount_paid": 0,
            "amount_due": amount,
            "currency": b["currency"],
            "receipt": b.get("receipt"),
            "status": "created",
            "attempts": 0,
            "notes": b.get("notes") or {},
            "created_at": int(time.time()),
        }
        self.orders[order["id"]] = order
        return order

    def add_payment(
        self, order_id: str, *, status: str = "captured", amount: int | None = None
    ) -> dict[str, Any]:
        order = self.orders[order_id]
        payment = {
            "id": f"pay_{secrets.token_hex(7)}",
            "entity": "payment",
            "amount": order["amount"] if amount is None else amount,
            "currency": order["currency"],
            "status": status,
            "order_id": order_id,
            "method": "upi",
            "amount_refunded": 0,
            "created_at": int(time.time()),
        }
        self.payments[payment["id"]] = payment
        return payment

    def _payment(self, payment_id: str) -> dict[str, Any]:
        if payment_id not in self.payments:
            raise _rzp_error(400, "The id provided does not exist")
        return self.payments[payment_id]

    def _refund(self, payment_id: str, b: dict[str, Any], key: str) -> dict[str, Any]:
        if not re.fullmatch(r"[A-Za-z0-9_-]{10,}", key):
            raise _rzp_error(
                400, "X-Refund-Idempotency must be at least 10 characters [A-Za-z0-9_-]"
            )
        if key in self.refund_keys:
            first_body, refund = self.refund_keys[key]
            if first_body != b:
                raise _rzp_error(400, "Request body differs from the original request")
            return refund
        payment = self._payment(payment_id)
        if payment["status"] != "captured":
            raise _rzp_error(400, "The payment has not been captured")
        amount = b.get("amount", payment["amount"] - payment["amount_refunded"])
        if not isinstance(amount, int) or amount <= 0:
            raise _rzp_error(400, "The amount must be an integer.")
        if payment["amount_refunded"] + amount > payment["amount"]:
            raise _rzp_error(400, "The refund amount provided is greater than amount captured")
        payment["amount_refunded"] += amount
        refund = {
            "id": f"rfnd_{secrets.token_hex(7)}",
            "entity": "refund",
            "amount": amount,
            "currency": payment["currency"],
            "payment_id": payment_id,
            "receipt": b.get("receipt"),
            "notes": b.get("notes") or {},
            "status": "processed",
            "speed_requested": b.get("speed", "normal"),
        }
        self.refunds[refund["id"]] = refund
        self.refund_keys[key] = (b, refund)
        return refund

    def _create_link(self, b: dict[str, Any]) -> dict[str, Any]:
        if not isinstance(b.get("amount"), int):
            raise _rzp_error(400, "The amount must be an integer.")
        reference = b.get("reference_id", "")
        if any(x["reference_id"] == reference for x in self.links.values()):
            raise _rzp_error(400, f"Payment Link with reference {reference} already exists")
        if int(b.get("expire_by", 0)) < time.time() + 15 * 60:
            raise _rzp_error(400, "expire_by should be at least 15 minutes after current time")
        link_id = f"plink_{secrets.token_hex(7)}"
        link = {
            **b,
            "id": link_id,
            "short_url": f"https://rzp.io/i/{link_id[-6:]}",
            "status": "created",
            "amount_paid": 0,
        }
        self.links[link_id] = link
        return link


# --- Stripe ---------------------------------------------------------------------------------
ZERO_DECIMAL = set(
    "BIF CLP DJF GNF JPY KMF KRW MGA PYG RWF UGX VND VUV XAF XOF XPF".lower().split()
)
THREE_DECIMAL = {"bhd", "jod", "kwd", "omr", "tnd"}


def _stripe_error(status: int, message: str, kind: str = "invalid_request_error") -> ApiError:
    return ApiError(status, {"error": {"type": kind, "message": message}})


@dataclass
class _Stored:
    params: dict[str, str]
    status: int
    body: dict[str, Any]


class StripeServer(FakeServer):
    """PaymentIntents and refunds, form-encoded, with Idempotency-Key replay."""

    def __init__(self, secret_key: str) -> None:
        super().__init__()
        self.secret_key = secret_key
        self.intents: dict[str, dict[str, Any]] = {}
        self.refunds: dict[str, dict[str, Any]] = {}
        self.idempotency: dict[str, _Stored] = {}

    def parse_body(self, content_type: str, raw: bytes) -> Any:
        if not raw:
            return {}
        if "application/x-www-form-urlencoded" not in content_type:
            raise ApiError(400, {"error": {"message": "form body required"}})
        return dict(parse_qsl(raw.decode(), keep_blank_values=True))

    def authenticate(self, rec: Recorded) -> None:
        if rec.headers.get("Authorization") != f"Bearer {self.secret_key}":
            raise _stripe_error(401, "Invalid API Key provided", "authentication_error")

    def route(self, rec: Recorded) -> tuple[int, dict[str, Any]]:
        key = rec.headers.get("Idempotency-Key", "")
        if rec.method == "POST" and key:
            stored = self.idempotency.get(key)
            if stored is not None:
                if stored.params != rec.body:
                    raise _stripe_error(
                        400,
                        "Keys for idempotent requests can only be used with the same parameters",
                        "idempotency_error",
                    )
                return stored.status, stored.body
        try:
            status, body = self._route(rec)
        except ApiError as exc:
            status, body = exc.status, exc.body
        if rec.method == "POST" and key:
            self.idempotency[key] = _Stored(rec.body, status, body)
        return status, body

    def _amount(self, params: dict[str, str]) -> tuple[int, str]:
        text, currency = params.get("amount", ""), params.get("currency", "")
        if not text.isdigit():
            raise _stripe_error(400, "Invalid integer: " + text)
        if currency != currency.lower() or len(currency) != 3:
            raise _stripe_error(400, "Invalid currency: " + currency)
        amount = int(text)
        if len(text) > 8:
            raise _stripe_error(400, "Amount must be no more than 8 digits")
        if currency in THREE_DECIMAL and amount % 10:
            raise _stripe_error(400, "Amounts in three-decimal currencies must end in 0")
        if currency == "isk" and amount % 100:
            raise _stripe_error(400, "ISK amounts must be divisible by 100")
        return amount, currency

    def _route(self, rec: Recorded) -> tuple[int, dict[str, Any]]:
        p = rec.body or {}
        if (rec.method, rec.path) == ("POST", "/v1/payment_intents"):
            amount, currency = self._amount(p)
            intent_id = f"pi_{secrets.token_hex(8)}"
            intent = {
                "id": intent_id,
                "object": "payment_intent",
                "amount": amount,
                "amount_received": 0,
                "currency": currency,
                "client_secret": f"{intent_id}_secret_{secrets.token_hex(6)}",
                "status": "requires_payment_method",
                "metadata": {k[9:-1]: v for k, v in p.items() if k.startswith("metadata[")},
                "automatic_payment_methods": {
                    "enabled": p.get("automatic_payment_methods[enabled]") == "true"
                },
            }
            self.intents[intent_id] = intent
            return 200, intent
        if (rec.method, rec.path) == ("POST", "/v1/refunds"):
            intent = self.intents.get(p.get("payment_intent", ""))
            if intent is None:
                raise _stripe_error(404, f"No such payment_intent: '{p.get('payment_intent')}'")
            if p.get("reason") not in (None, "duplicate", "fraudulent", "requested_by_customer"):
                raise _stripe_error(400, "Invalid reason")
            amount = int(p["amount"]) if p.get("amount") else intent["amount_received"]
            refunded = sum(
                r["amount"] for r in self.refunds.values() if r["payment_intent"] == intent["id"]
            )
            if refunded + amount > intent["amount_received"]:
                raise _stripe_error(
                    400, "Refund amount is greater than unrefunded amount on charge"
                )
            refund = {
                "id": f"re_{secrets.token_hex(8)}",
                "object": "refund",
                "amount": amount,
                "currency": intent["currency"],
                "payment_intent": intent["id"],
                "status": "succeeded",
                "metadata": {k[9:-1]: v for k, v in p.items() if k.startswith("metadata[")},
            }
            self.refunds[refund["id"]] = refund
            return 200, refund
        raise _stripe_error(404, f"Unrecognized request URL ({rec.method}: {rec.path})")

    def succeed(self, intent_id: str) -> dict[str, Any]:
        """The customer paid: the intent is captured in full."""
        intent = self.intents[intent_id]
        intent.update(
            status="succeeded",
            amount_received=intent["amount"],
            latest_charge=f"ch_{secrets.token_hex(8)}",
        )
        return intent
