"""Text that must never reach the database: NUL bytes and lone UTF-16 surrogates.

PostgreSQL refuses both in text columns, so a `%00` in a search, a slug or a token, or a
`\\u0000` / lone `\\ud800` in a JSON body, used to end as a 500 deep inside a query.
`SafeInputMiddleware` checks every request at the edge (path, query string, form fields
and JSON bodies) and answers 422 `invalid_characters` naming where, before any view
runs; under `/api/` with the JSON error body. Files (multipart) are checked by their own
readers (images, CSV: UTF-8 decoding).

JSON bodies cost one `bytes.find` per marker in the common case: a body is parsed and
walked only when it contains a NUL or a `\\u` escape of NUL or a surrogate (an emoji
written as a surrogate-pair escape is fine: only a lone surrogate is refused).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse

from haat.core.error_codes import CoreError
from haat.core.errors import ValidationError

# Webhooks are read raw, size-capped and signature-checked by their own views, which must
# see the body before anything else reads it.
RAW_BODY_PREFIXES = ("/webhooks/",)
_SUSPICIOUS_ESCAPE = re.compile(rb"\\u(?:0000|[dD][89a-fA-F][0-9a-fA-F]{2})")


class UnsafeText(ValidationError):
    """422: the request was read, and a value in it is refused (docs/api.md's rule)."""

    code = CoreError.INVALID_CHARACTERS


def unsafe(text: str) -> bool:
    """True when `text` holds a NUL byte or a lone surrogate."""
    if "\x00" in text:
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _strings(value: Any, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield f"{path}.{key}" if path else str(key), str(key)
            yield from _strings(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, f"{path}[{index}]")


def check_json_body(body: bytes) -> str | None:
    """The field path of the first unsafe string in a JSON body, or None."""
    if b"\x00" not in body and not _SUSPICIOUS_ESCAPE.search(body):
        return None
    if b"\x00" in body:
        return "body"
    try:
        data = json.loads(body)
    except ValueError:
        return None  # not JSON: the view's own parser says so
    for path, text in _strings(data, ""):
        if unsafe(text):
            return path or "body"
    return None


def check_request(request: HttpRequest) -> str | None:
    """Where the request carries unsafe text ("path", a parameter or field name), or None."""
    if unsafe(request.path):
        return "path"
    for key, values in request.GET.lists():
        if unsafe(key) or any(unsafe(v) for v in values):
            return key if not unsafe(key) else "query"
    if request.path.startswith(RAW_BODY_PREFIXES):
        return None
    content_type = request.content_type or ""
    if request.method in ("POST", "PUT", "PATCH") and content_type.endswith("json"):
        return check_json_body(request.body)
    if content_type == "application/x-www-form-urlencoded":
        for key, values in request.POST.lists():
            if unsafe(key) or any(unsafe(v) for v in values):
                return key if not unsafe(key) else "form"
    return None


class SafeInputMiddleware:
    """Refuses requests carrying NUL bytes or lone surrogates (see the module docstring)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            where = check_request(request)
        except RequestDataTooBig:
            return _refuse(request, BodyTooLarge())
        if where is None:
            return self.get_response(request)
        return _refuse(
            request,
            UnsafeText(
                "Text may not contain NUL bytes or unpaired surrogate characters.",
                details={"field": where},
            ),
        )


class BodyTooLarge(ValidationError):
    code = CoreError.PAYLOAD_TOO_LARGE
    http_status = 413

    def __init__(self) -> None:
        super().__init__("The request body is larger than this server accepts.")


def _refuse(request: HttpRequest, error: ValidationError) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse(error.as_body(), status=error.http_status)
    return HttpResponse(error.message, status=error.http_status, content_type="text/plain")
