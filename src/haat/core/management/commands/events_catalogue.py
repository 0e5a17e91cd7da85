"""`haat manage events_catalogue [--check]`: write (or check) docs/events.md from the code."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from haat.core.event_catalogue import render


class Command(BaseCommand):
    help = "Write the domain event catalogue (docs/events.md) from the event classes."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output", default="docs/events.md", help="where to write (default: %(default)s)"
        )
        parser.add_argument(
            "--check", action="store_true", help="write nothing; fail when the file is stale"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["output"])
        text = render()
        if options["check"]:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                raise CommandError(
                    f"{path} is stale: run `haat manage events_catalogue`", returncode=1
                )
            self.stdout.write(f"{path} is up to date")
            return
        path.write_text(text, encoding="utf-8")
        self.stdout.write(f"wrote {path}")
