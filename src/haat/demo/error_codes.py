"""The demo store loader's error codes."""

from __future__ import annotations

from haat.core.error_codes import ErrorCode


class DemoError(ErrorCode):
    DEMO_ALREADY_LOADED = (
        "demo_already_loaded",
        409,
        "The demo store only loads into an empty store.",
    )
