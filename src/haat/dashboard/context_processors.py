from django.http import HttpRequest

from haat.core.store import store
from haat.dashboard.navigation import nav_for
from haat.dashboard.search import search_kinds


def dashboard(request: HttpRequest) -> dict:
    # StoreTimeZoneMiddleware has read the details for dashboard pages; other pages that
    # render a dashboard template (sign-in, errors) read them here.
    details = getattr(request, "store", None) or store()
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not request.path.startswith("/dashboard/"):
        return {"store_name": details.name, "store": details}
    return {
        "store_name": details.name,
        "store": details,
        "nav_items": nav_for(user),
        "search_kinds": search_kinds(user),
    }
