"""`haat manage error_codes [--check]`: write (or check) docs/api.md's error-code tables."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from haat.core.error_table import updated


class Command(BaseCommand):
    help = "Write the error-code tables in docs/api.md from the ErrorCode enums."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output", default="docs/api.md", help="the document to update (default: %(default)s)"
        )
        parser.add_argument(
            "--check", action="store_true", help="write nothing; fail when the tables are stale"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["output"])
        current = path.read_text(encoding="utf-8")
        try:
            text = updated(current)
        except ValueError as exc:
            raise CommandError(f"{path}: {exc}") from None
        if options["check"]:
            if text != current:
                raise CommandError(
                    f"{path}'s error codes are stale: run `haat manage error_codes`", returncode=1
                )
            self.stdout.write(f"{path}'s error codes are up to date")
            return
        path.write_text(text, encoding="utf-8")
        self.stdout.write(f"wrote the error codes in {path}")
