"""The one NinjaAPI at /api/v1/: storefront routes under store/, admin routes under admin/.

Each context owns its routers (`<context>/api.py`) and declares them in its `frontdoor.py`;
this module mounts every installed context's routers, in INSTALLED_APPS order
(`haat.core.registry`).
"""

from __future__ import annotations

from haat import __version__
from haat.api.document import HaatAPI
from haat.api.errors import install_error_handlers
from haat.api.throttles import ClientThrottle
from haat.core.registry import contributions


def build_api(*, urls_namespace: str = "api") -> HaatAPI:
    """A NinjaAPI with the routers of every installed context."""
    api = HaatAPI(
        title="Haat API",
        version=__version__,
        description=(
            "Storefront API (`/api/v1/store/`, publishable key in `X-Publishable-Key`) and "
            "admin API (`/api/v1/admin/`, secret key as `Authorization: Bearer sk_...`). "
            "Amounts are integers in minor units with an ISO 4217 currency code. Errors have "
            'the body `{"error": {"code", "message", "details"}}`.'
        ),
        urls_namespace=urls_namespace,
        docs_url="/docs",
        openapi_url="/openapi.json",
        throttle=[ClientThrottle()],
    )
    install_error_handlers(api)
    for contribution in contributions():
        for routes in contribution.api:
            api.add_router(routes.prefix, routes.router)
    return api


api = build_api()
