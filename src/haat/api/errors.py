"""Every API error has the body `{"error": {"code", "message", "details"}}` (DESIGN §5).

`install_error_handlers` covers what ninja sees; the `handler*` views (named in
`haat.urls`) cover what Django answers itself, so nothing under `/api/` is ever an HTML
page: an unknown path (404), a crash (500), a body over the upload limit (413).
"""

from __future__ import annotations

import logging
import math

from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views import defaults
from ninja import NinjaAPI
from ninja.errors import AuthenticationError as NinjaAuthenticationError
from ninja.errors import HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError

from haat.core.error_codes import CoreError, ErrorCode
from haat.core.errors import DomainError, field_path
from haat.core.ratelimit import TooManyRequests

# Where ninja says a value came from: the first element of a pydantic error's `loc`.
SOURCES = frozenset({"body", "query", "path", "header", "cookie", "form", "file"})
# Every operation names its request body `payload`; ninja puts that name after "body".
BODY_PARAM = "payload"

logger = logging.getLogger("haat.api")


def _body(code: ErrorCode, message: str, details: dict | None = None) -> dict:
    return {"error": {"code": code, "message": message, "details": details or {}}}


def schema_field(loc: tuple | list) -> str:
    """A pydantic error location as Haat's field path: `("body", "payload", "lines", 0,
    "quantity")` -> `lines[0].quantity`, `("query", "page")` -> `page`."""
    parts = list(loc)
    if parts and parts[0] in SOURCES:
        parts.pop(0)
        if parts[:1] == [BODY_PARAM]:
            parts.pop(0)
    return field_path(p if isinstance(p, int) else str(p) for p in parts)


def _field_errors(errors: list[dict]) -> list[dict]:
    return [
        {"field": schema_field(err.get("loc", ())), "message": err.get("msg", "invalid")}
        for err in errors
    ]


def install_error_handlers(api: NinjaAPI) -> None:
    @api.exception_handler(DomainError)
    def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
        return api.create_response(request, exc.as_body(), status=exc.http_status)

    @api.exception_handler(Throttled)
    def throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
        # ninja adds Retry-After from the throttle's wait().
        error = TooManyRequests(math.ceil(exc.wait or 1), scope=getattr(request, "rate_limit", ""))
        return api.create_response(request, error.as_body(), status=error.http_status)

    @api.exception_handler(NinjaValidationError)
    def validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        fields = _field_errors(exc.errors)
        first = fields[0] if fields else {"field": "", "message": "invalid input"}
        message = f"{first['field']}: {first['message']}" if first["field"] else first["message"]
        return api.create_response(
            request, _body(CoreError.INVALID, message, {"fields": fields}), status=422
        )

    @api.exception_handler(NinjaAuthenticationError)
    def auth_error(request: HttpRequest, exc: Exception) -> HttpResponse:
        return api.create_response(
            request,
            _body(CoreError.NOT_AUTHENTICATED, "Missing or invalid credentials."),
            status=401,
        )

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
        body = _body(CoreError.NOT_FOUND, str(exc) or "Not found.")
        return api.create_response(request, body, status=404)

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        # Ninja answers 400 only when it cannot read the body (not JSON, not UTF-8).
        code = CoreError.MALFORMED_REQUEST if exc.status_code == 400 else CoreError.HTTP_ERROR
        return api.create_response(request, _body(code, str(exc)), status=exc.status_code)

    @api.exception_handler(RequestDataTooBig)
    def too_large(request: HttpRequest, exc: Exception) -> HttpResponse:
        body = _body(
            CoreError.PAYLOAD_TOO_LARGE, "The request body is larger than this server accepts."
        )
        return api.create_response(request, body, status=413)

    @api.exception_handler(Exception)
    def crash(request: HttpRequest, exc: Exception) -> HttpResponse:
        logger.exception("Unhandled error on %s %s", request.method, request.path, exc_info=exc)
        return api.create_response(request, _INTERNAL, status=500)


_INTERNAL = _body(CoreError.INTERNAL_ERROR, "Something went wrong on our side; it has been logged.")


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def handler400(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if not _is_api(request):
        return defaults.bad_request(request, exception)
    if isinstance(exception, RequestDataTooBig):
        body = _body(
            CoreError.PAYLOAD_TOO_LARGE, "The request body is larger than this server accepts."
        )
        return JsonResponse(body, status=413)
    return JsonResponse(
        _body(CoreError.MALFORMED_REQUEST, "The request could not be read."), status=400
    )


def handler403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if not _is_api(request):
        return defaults.permission_denied(request, exception)
    return JsonResponse(_body(CoreError.PERMISSION_DENIED, "You may not do this."), status=403)


def handler404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if not _is_api(request):
        return defaults.page_not_found(request, exception)
    return JsonResponse(_body(CoreError.NOT_FOUND, "There is no such API endpoint."), status=404)


def handler500(request: HttpRequest) -> HttpResponse:
    if not _is_api(request):
        return defaults.server_error(request)
    return JsonResponse(_INTERNAL, status=500)
