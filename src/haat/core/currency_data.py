"""The pinned ISO 4217 table (`currency_snapshot.json`) the Currency rows are seeded from.

The snapshot is generated once by `tools/currency_snapshot.py` from ISO 4217 List One and
committed, so an install seeds the same codes and decimal places whatever Babel is installed
(Babel 2.19 moved HUF from 2 places to 0; ISO says 2).

Seeding only ever inserts missing rows. An existing row keeps its decimal places even when
the snapshot says otherwise (rows seeded from an older Babel say IDR 0, ISO says 2): amounts
are stored in minor units counted with the row's places, so changing them would change what
every stored price, order and payment in that currency means.
"""

from __future__ import annotations

import functools
import json
from importlib import resources
from typing import TypedDict


class CurrencyRow(TypedDict):
    code: str
    name: str
    symbol: str
    decimal_places: int


# Shown first in currency pickers; everything else follows alphabetically.
DISPLAY_ORDER = {"INR": 1, "USD": 2, "EUR": 3, "GBP": 4, "AED": 5}
DEFAULT = "INR"


@functools.cache
def iso_currencies() -> tuple[CurrencyRow, ...]:
    """The snapshot's rows, by code."""
    text = resources.files("haat.core").joinpath("currency_snapshot.json").read_text("utf-8")
    return tuple(json.loads(text)["currencies"])


def seed_currencies(currency_model) -> None:
    """Insert the snapshot rows the table lacks, disabled; on an empty table (a fresh install)
    INR is enabled and made the default. Existing rows are never changed, so it is safe to run
    again (data migrations and test set-up use it)."""
    fresh = not currency_model.objects.exists()
    currency_model.objects.bulk_create(
        [
            currency_model(
                **row,
                enabled=fresh and row["code"] == DEFAULT,
                is_default=fresh and row["code"] == DEFAULT,
                display_order=DISPLAY_ORDER.get(row["code"], 1000),
            )
            for row in iso_currencies()
        ],
        ignore_conflicts=True,
    )
