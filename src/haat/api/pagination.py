"""The one pagination every list endpoint uses: `?page=1&page_size=24`.

Response: `{"items": [...], "count": 123, "page": 1, "page_size": 24, "pages": 6}`.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from ninja import Field, Schema
from ninja.pagination import PaginationBase

MAX_PAGE_SIZE = 100


class Paginated(PaginationBase):
    class Input(Schema):
        page: int = Field(1, ge=1, le=100_000, description="1-based page number")
        page_size: int = Field(24, ge=1, le=MAX_PAGE_SIZE, description="items per page (max 100)")

    class Output(Schema):
        items: list[Any]
        count: int
        page: int
        page_size: int
        pages: int

    items_attribute = "items"

    def paginate_queryset(self, queryset: QuerySet, pagination: Input, **params: Any) -> dict:
        count = queryset.count() if isinstance(queryset, QuerySet) else len(queryset)
        start = (pagination.page - 1) * pagination.page_size
        items = list(queryset[start : start + pagination.page_size])
        return {
            "items": items,
            "count": count,
            "page": pagination.page,
            "page_size": pagination.page_size,
            "pages": max(1, -(-count // pagination.page_size)),
        }
