"""Template helpers of the core context."""

from __future__ import annotations

from django import template

from haat.core.selectors import change_rows

register = template.Library()


@register.filter(name="change_rows")
def change_rows_filter(changes: object) -> list[dict]:
    """An audit entry's changes as display rows (see selectors.change_rows)."""
    return change_rows(changes)
