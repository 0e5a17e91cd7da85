"""The dashboard home: every installed context's home widgets the user's role may see,
each with the figures its own context's selector reads (`haat.core.registry.home_widgets`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from haat.core.registry import HomeWidget, home_widgets


@dataclass(frozen=True)
class ShownWidget:
    widget: HomeWidget
    figures: Any


def widgets_for(user) -> list[ShownWidget]:
    return [
        ShownWidget(widget, widget.selector(user))
        for widget in home_widgets()
        if not widget.perm or user.can(widget.perm)
    ]
