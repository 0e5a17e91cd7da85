"""Permission checks for dashboard views, driven by the role matrix in accounts.roles."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def require_perm(perm: str) -> Callable:
    """Signed-in staff whose role grants `perm`; others get a 403 page."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not request.user.can(perm):
                return render(request, "dashboard/forbidden.html", {"perm": perm}, status=403)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
