from django.db import connection
from django.http import HttpRequest, JsonResponse


def health(request: HttpRequest) -> JsonResponse:
    """Liveness and database reachability for load balancers."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        db = "ok"
    except Exception:
        db = "unavailable"
    return JsonResponse(
        {"status": "ok" if db == "ok" else "degraded", "database": db},
        status=200 if db == "ok" else 503,
    )
