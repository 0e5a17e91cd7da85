"""`createstaff`: add a staff member from the command line (the first owner, usually).

haat createstaff --email asha@shop.in                   # prompts for a password
haat createstaff --email ops@shop.in --role manager --no-input   # prints a generated one
"""

from __future__ import annotations

import getpass
import secrets
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from haat.accounts import services
from haat.accounts.roles import Role
from haat.core.context import Actor, acting_as
from haat.core.errors import DomainError


class Command(BaseCommand):
    help = "Create a staff account that signs in to the dashboard with e-mail and password."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--email", required=True, help="Sign-in e-mail address")
        parser.add_argument(
            "--role", default=Role.OWNER.value, choices=Role.values, help="Role (default: owner)"
        )
        parser.add_argument("--name", default="", help="Full name")
        parser.add_argument("--password", help="Password (otherwise asked for, or generated)")
        parser.add_argument(
            "--no-input",
            "--noinput",
            action="store_false",
            dest="interactive",
            help="Do not prompt; without --password, generate one and print it",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        password: str | None = options["password"]
        generated = False
        if not password:
            if options["interactive"]:
                password = self._prompt_password()
            else:
                password = secrets.token_urlsafe(12)
                generated = True
        with acting_as(Actor(label="cli:createstaff")):
            try:
                user = services.create_staff(
                    email=options["email"],
                    full_name=options["name"],
                    role=options["role"],
                    password=password,
                )
            except DomainError as exc:
                raise CommandError(exc.message) from None
        self.stdout.write(self.style.SUCCESS(f"Created {user.get_role_display()} {user.email}."))
        if generated:
            self.stdout.write(f"Password: {password}")
            self.stdout.write("Keep it somewhere safe; it is not shown again.")

    def _prompt_password(self) -> str:
        for _ in range(3):
            first = getpass.getpass("Password: ")
            if not first:
                self.stderr.write("The password cannot be empty.")
                continue
            if first != getpass.getpass("Password (again): "):
                self.stderr.write("The passwords differ. Try again.")
                continue
            return first
        raise CommandError("No password given.")
