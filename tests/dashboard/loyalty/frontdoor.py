"""Everything the loyalty context adds to the front doors, in its own folder."""

from haat.accounts.roles import Perm
from haat.core.registry import (
    ApiRoutes,
    Badge,
    Contribution,
    HomeWidget,
    NavEntry,
    Pages,
    SearchHit,
    SearchSource,
    register,
)
from tests.dashboard.loyalty import api, dashboard_urls, urls


def members_waiting() -> int:
    return 3


def find_members(q: str, limit: int) -> list[SearchHit]:
    if "gold" not in q.lower():
        return []
    return [SearchHit("GOLD member Meera", "1,200 points", "/loyalty/GOLD")][:limit]


def figures(user) -> dict:
    return {"members": 120, "viewer": user.email}


register(
    Contribution(
        label="loyalty",
        api=(ApiRoutes("/store/", api.store_router), ApiRoutes("/admin/", api.admin_router)),
        dashboard=Pages(dashboard_urls, namespace="loyalty", prefix="loyalty/"),
        public=Pages(urls, namespace="loyalty_public"),
        nav=(
            NavEntry(
                "Loyalty",
                "loyalty:overview",
                Perm.ORDERS_VIEW,
                "Marketing",
                "★",
                order=500,
                badge=Badge(members_waiting, lambda n: f"{n} members waiting"),
            ),
        ),
        widgets=(
            HomeWidget("loyalty", "loyalty/_home.html", figures, Perm.ORDERS_VIEW, order=150),
        ),
        search=(
            SearchSource(
                "Loyalty members", find_members, Perm.ORDERS_VIEW, "loyalty:overview", order=500
            ),
        ),
    )
)
