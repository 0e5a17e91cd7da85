"""Every API error has the body `{"error": {"code", "message", "details"}}` (DESIGN §5)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError as NinjaAuthenticationError
from ninja.errors import HttpError
from ninja.errors import ValidationError as NinjaValidationError

from haat.core.errors import DomainError


def _body(code: str, message: str, details: dict | None = None) -> dict:
    return {"error": {"code": code, "message": message, "details": details or {}}}


def _field_errors(errors: list[dict]) -> list[dict]:
    out = []
    for err in errors:
        loc = [str(p) for p in err.get("loc", ()) if p not in ("body", "payload", "query")]
        out.append({"field": ".".join(loc), "message": err.get("msg", "invalid")})
    return out


def install_error_handlers(api: NinjaAPI) -> None:
    @api.exception_handler(DomainError)
    def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
        return api.create_response(request, exc.as_body(), status=exc.http_status)

    @api.exception_handler(NinjaValidationError)
    def validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        fields = _field_errors(exc.errors)
        first = fields[0] if fields else {"field": "", "message": "invalid input"}
        message = f"{first['field']}: {first['message']}" if first["field"] else first["message"]
        return api.create_response(
            request, _body("invalid", message, {"fields": fields}), status=422
        )

    @api.exception_handler(NinjaAuthenticationError)
    def auth_error(request: HttpRequest, exc: Exception) -> HttpResponse:
        return api.create_response(
            request,
            _body("not_authenticated", "Missing or invalid credentials."),
            status=401,
        )

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
        body = _body("not_found", str(exc) or "Not found.")
        return api.create_response(request, body, status=404)

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        return api.create_response(request, _body("http_error", str(exc)), status=exc.status_code)
