from django.http import HttpRequest
from ninja import Router, Schema

from haat.api.auth import StaffAuth, StorefrontAuth


class PointsOut(Schema):
    points: int


store_router = Router(auth=StorefrontAuth, tags=["store: loyalty"])
admin_router = Router(auth=StaffAuth, tags=["admin: loyalty"])


@store_router.get("loyalty/points", response=PointsOut)
def points(request: HttpRequest) -> dict:
    return {"points": 42}


@admin_router.get("loyalty/members", response=list[PointsOut])
def members(request: HttpRequest) -> list[dict]:
    return [{"points": 42}]
