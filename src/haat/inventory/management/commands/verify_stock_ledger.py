"""`manage.py verify_stock_ledger`: prove on_hand equals the ledger sum everywhere, and
each backorder policy's committed units equal its backorder ledger's sum."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from haat.inventory import backorders
from haat.inventory.ledger import ledger_differences


class Command(BaseCommand):
    help = (
        "Check that every stock level's on_hand equals the sum of its ledger movements, "
        "and every backorder policy's committed units the sum of its backorder ledger."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        diffs = ledger_differences()
        beyond = backorders.ledger_differences()
        if not diffs and not beyond:
            self.stdout.write(self.style.SUCCESS("ledger consistent"))
            return
        if diffs:
            cols = ("variant_id", "location_id", "on_hand", "ledger", "difference")
            self.stdout.write(
                self.style.ERROR(f"{len(diffs)} stock level(s) differ from the ledger")
            )
            self._table(cols, diffs)
        if beyond:
            cols = ("variant_id", "committed", "ledger", "difference")
            self.stdout.write(
                self.style.ERROR(f"{len(beyond)} backorder policy(ies) differ from their ledger")
            )
            self._table(cols, beyond)
        raise CommandError("stock differs from the ledger sum", returncode=1)

    def _table(self, cols: tuple[str, ...], rows: list[dict[str, int]]) -> None:
        self.stdout.write("  ".join(f"{c:>12}" for c in cols))
        for d in rows:
            self.stdout.write("  ".join(f"{d[c]:>12}" for c in cols))
