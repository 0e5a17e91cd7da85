from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from haat.core.context import Actor, acting_as, client_ip
from haat.core.store import store


class RequestContextMiddleware:
    """Makes the signed-in staff member and client IP the actor for audit records."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            actor = Actor(user=user, label=user.email, ip_address=client_ip(request))
        else:
            actor = Actor(label="anonymous", ip_address=client_ip(request))
        with acting_as(actor):
            return self.get_response(request)


class StoreTimeZoneMiddleware:
    """Pages people read (the dashboard, the pay page) show times and daily figures in the
    store's time zone from its details; `request.store` carries those details to the
    templates, so a page reads them once. The API answers in UTC and skips this."""

    PREFIXES = ("/dashboard/", "/pay/")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(self.PREFIXES):
            return self.get_response(request)
        details = store()
        request.store = details  # type: ignore[attr-defined]
        with timezone.override(details.time_zone):
            return self.get_response(request)
