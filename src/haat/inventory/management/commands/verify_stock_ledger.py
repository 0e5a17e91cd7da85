"""`manage.py verify_stock_ledger`: prove on_hand equals the ledger sum everywhere."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from haat.inventory.ledger import ledger_differences


class Command(BaseCommand):
    help = "Check that every stock level's on_hand equals the sum of its ledger movements."

    def handle(self, *args: Any, **options: Any) -> None:
        diffs = ledger_differences()
        if not diffs:
            self.stdout.write(self.style.SUCCESS("ledger consistent"))
            return
        cols = ("variant_id", "location_id", "on_hand", "ledger", "difference")
        self.stdout.write(self.style.ERROR(f"{len(diffs)} stock level(s) differ from the ledger"))
        self.stdout.write("  ".join(f"{c:>12}" for c in cols))
        for d in diffs:
            self.stdout.write("  ".join(f"{d[c]:>12}" for c in cols))
        raise CommandError("on_hand differs from the ledger sum", returncode=1)
