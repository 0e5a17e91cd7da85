from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from haat.accounts.roles import Perm
from haat.dashboard.navigation import nav_for

# The badge is a hint, not a ledger: a half-minute-old count saves two aggregates per page.
LOW_STOCK_BADGE_SECONDS = 30


def _low_stock_badge() -> int:
    from haat.inventory.selectors import low_stock_count

    return cache.get_or_set("dashboard:low-stock-count", low_stock_count, LOW_STOCK_BADGE_SECONDS)


def dashboard(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not request.path.startswith("/dashboard/"):
        return {"store_name": settings.HAAT_STORE_NAME}
    items = nav_for(user)
    if user.can(Perm.INVENTORY_VIEW):
        for item in items:
            if item["url_name"] == "dashboard:low_stock":
                item["badge"] = _low_stock_badge()
    return {"store_name": settings.HAAT_STORE_NAME, "nav_items": items}
