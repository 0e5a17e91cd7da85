"""The one NinjaAPI at /api/v1/: storefront routes under store/, admin routes under admin/.

Each context owns its routers (`<context>/api.py`); this module only mounts them.
"""

from __future__ import annotations

from ninja import NinjaAPI

from haat import __version__
from haat.api.errors import install_error_handlers
from haat.api.throttles import ClientThrottle

api = NinjaAPI(
    title="Haat API",
    version=__version__,
    description=(
        "Storefront API (`/api/v1/store/`, publishable key in `X-Publishable-Key`) and admin "
        "API (`/api/v1/admin/`, secret key as `Authorization: Bearer sk_...`). Amounts are "
        "integers in minor units with an ISO 4217 currency code. Errors have the body "
        '`{"error": {"code", "message", "details"}}`.'
    ),
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
    throttle=[ClientThrottle()],
)
install_error_handlers(api)


def _mount() -> None:
    from haat.accounts.api import admin_router as accounts_admin
    from haat.catalog.api import admin_router as catalog_admin
    from haat.catalog.api import store_router as catalog_store
    from haat.checkout.api import store_router as checkout_store
    from haat.core.api import admin_router as core_admin
    from haat.gateways.api import admin_router as gateways_admin
    from haat.inventory.api import admin_router as inventory_admin
    from haat.inventory.api import store_router as inventory_store
    from haat.orders.api import admin_router as orders_admin
    from haat.orders.api import store_router as orders_store
    from haat.payments.api import admin_router as payments_admin
    from haat.payments.api import store_router as payments_store

    api.add_router("/store/", catalog_store)
    api.add_router("/store/", inventory_store)
    api.add_router("/store/", checkout_store)
    api.add_router("/store/", orders_store)
    api.add_router("/store/", payments_store)
    api.add_router("/admin/", inventory_admin)
    api.add_router("/admin/", orders_admin)
    api.add_router("/admin/", payments_admin)
    api.add_router("/admin/", gateways_admin)
    api.add_router("/admin/", catalog_admin)
    api.add_router("/admin/", core_admin)
    api.add_router("/admin/", accounts_admin)


_mount()
