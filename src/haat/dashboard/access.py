"""Permission checks for dashboard views, driven by the role matrix in accounts.roles."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from haat.core.errors import NotFound


def forbidden(request: HttpRequest, perm: str) -> HttpResponse:
    """The 403 page naming the missing permission; for checks inside a view, too."""
    return render(request, "dashboard/forbidden.html", {"perm": perm}, status=403)


def get_or_404(getter: Callable[[int], Any], pk: int) -> Any:
    """`getter(pk)` from a selector, its NotFound shown as the 404 page."""
    try:
        return getter(pk)
    except NotFound as exc:
        raise Http404(exc.message) from None


def require_perm(perm: str) -> Callable:
    """Signed-in staff whose role grants `perm`; others get a 403 page."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not request.user.can(perm):
                return forbidden(request, perm)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
