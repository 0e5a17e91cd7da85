from django.conf import settings
from django.http import HttpRequest

from haat.dashboard.navigation import nav_for


def dashboard(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not request.path.startswith("/dashboard/"):
        return {"store_name": settings.HAAT_STORE_NAME}
    return {"store_name": settings.HAAT_STORE_NAME, "nav_items": nav_for(user)}
