"""A local HTTP server speaking Shiprocket's documented shapes: `POST /auth/login` returns
a token, `GET /courier/serviceability` wants it as a Bearer token and answers with the
couriers that reach the PIN (404 when none does)."""

from __future__ import annotations

import json
import secrets
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

PREFIX = "/v1/external"


class ShiprocketServer:
    def __init__(self, email: str, password: str) -> None:
        self.email, self.password = email, password
        self.tokens: set[str] = set()
        # PIN -> couriers (each {"courier_name", "cod", "estimated_delivery_days"})
        self.couriers: dict[str, list[dict[str, Any]]] = {}
        self.requests: list[tuple[str, str, dict[str, str]]] = []
        self.down = False
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                server._handle(self, "POST")

            def do_GET(self) -> None:
                server._handle(self, "GET")

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}{PREFIX}"

    def start(self) -> ShiprocketServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def revoke_tokens(self) -> None:
        self.tokens.clear()

    def calls(self, path: str) -> int:
        return sum(1 for _, p, _ in self.requests if p == path)

    def _reply(self, handler: BaseHTTPRequestHandler, status: int, body: dict) -> None:
        raw = json.dumps(body).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(raw)))
        handler.end_headers()
        handler.wfile.write(raw)

    def _handle(self, handler: BaseHTTPRequestHandler, method: str) -> None:
        url = urlsplit(handler.path)
        path = url.path.removeprefix(PREFIX)
        query = dict(parse_qsl(url.query))
        self.requests.append((method, path, query))
        if self.down:
            return self._reply(handler, 503, {"message": "Service Unavailable"})
        if method == "POST" and path == "/auth/login":
            length = int(handler.headers.get("Content-Length") or 0)
            body = json.loads(handler.rfile.read(length) or b"{}")
            if body.get("email") != self.email or body.get("password") != self.password:
                return self._reply(handler, 401, {"message": "Invalid email and password"})
            token = secrets.token_hex(16)
            self.tokens.add(token)
            return self._reply(handler, 200, {"token": token, "email": self.email, "id": 1})
        if method == "GET" and path == "/courier/serviceability":
            auth = handler.headers.get("Authorization", "")
            if auth.removeprefix("Bearer ") not in self.tokens:
                return self._reply(
                    handler, 401, {"message": "Token has expired", "status_code": 401}
                )
            missing = [
                k
                for k in ("pickup_postcode", "delivery_postcode", "weight", "cod")
                if k not in query
            ]
            if missing:
                return self._reply(handler, 422, {"message": f"{missing[0]} is required"})
            couriers = self.couriers.get(query["delivery_postcode"], [])
            if not couriers:
                return self._reply(
                    handler, 404, {"status": 404, "message": "No courier serviceable"}
                )
            listed = [
                {"courier_company_id": i + 1, "rate": 80.0, "etd": "Dec 05, 2026", **c}
                for i, c in enumerate(couriers)
            ]
            return self._reply(
                handler,
                200,
                {"status": 200, "currency": "INR",
                 "data": {"available_courier_companies": listed}},
            )  # fmt: skip
        return self._reply(handler, 404, {"message": "Not found"})
