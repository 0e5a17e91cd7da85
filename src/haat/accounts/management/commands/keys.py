"""`keys`: list, create and revoke API keys from the server's command line.

haat keys                                     # active keys; publishable keys in full
haat keys list --all                          # with revoked keys
haat keys create --name "Storefront"          # a publishable key (shown, and again later)
haat keys create --name "ERP" --secret --role manager   # a secret key, shown this once
haat keys revoke 7

Secret keys are listed by their first characters only: only their hash is stored.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from haat.accounts import selectors
from haat.accounts.api_keys import create_api_key, revoke_api_key
from haat.accounts.models import ApiKey
from haat.accounts.roles import Role
from haat.core.context import Actor, acting_as
from haat.core.errors import DomainError


class Command(BaseCommand):
    help = "List API keys (publishable keys in full), create one, or revoke one."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", metavar="ACTION")
        listing = sub.add_parser("list", help="list keys (the default)")
        listing.add_argument("--all", action="store_true", help="include revoked keys")
        create = sub.add_parser("create", help="create a key (publishable unless --secret)")
        create.add_argument("--name", required=True, help="who or what uses the key")
        create.add_argument(
            "--secret", action="store_true", help="a secret admin key instead (needs --role)"
        )
        create.add_argument("--role", choices=Role.values, default="", help="secret keys only")
        revoke = sub.add_parser("revoke", help="revoke a key by its id (see `haat keys`)")
        revoke.add_argument("key_id", type=int)

    def handle(self, *args: Any, **options: Any) -> None:
        action = options.get("action") or "list"
        with acting_as(Actor(label=f"cli:keys {action}")):
            try:
                if action == "create":
                    self._create(options)
                elif action == "revoke":
                    self._revoke(options["key_id"])
                else:
                    self._list(include_revoked=options.get("all", False))
            except DomainError as exc:
                raise CommandError(exc.message) from None

    def _list(self, *, include_revoked: bool) -> None:
        keys = list(selectors.api_key_list(include_revoked=include_revoked))
        if not keys:
            self.stdout.write(
                "No API keys yet. Create a publishable key for a storefront with "
                '`haat keys create --name "Storefront"`.'
            )
            return
        for key in keys:
            kind = "publishable" if key.kind == ApiKey.Kind.PUBLISHABLE else "secret"
            role = f" · {key.get_role_display()}" if key.role else ""
            status = (
                f"revoked {timezone.localtime(key.revoked_at):%d %b %Y}"
                if key.revoked_at
                else "active"
            )
            used = (
                f"last used {timezone.localtime(key.last_used_at):%d %b %Y %H:%M}"
                if key.last_used_at
                else "never used"
            )
            self.stdout.write(f"{key.pk:>4}  {key.name} ({kind}{role}) · {status} · {used}")
            self.stdout.write(f"      {key.shown_key}")
            if key.unreadable:
                self.stdout.write(
                    "      (stored before publishable keys were kept readable: the full key "
                    "cannot be shown; replace it on the dashboard's API keys page)"
                )

    def _create(self, options: dict[str, Any]) -> None:
        kind = ApiKey.Kind.SECRET if options["secret"] else ApiKey.Kind.PUBLISHABLE
        if kind == ApiKey.Kind.PUBLISHABLE and options["role"]:
            raise CommandError("--role is for secret keys (add --secret).")
        issued = create_api_key(name=options["name"], kind=kind, role=options["role"])
        label = "secret" if kind == ApiKey.Kind.SECRET else "publishable"
        created = f"Created the {label} key “{issued.api_key.name}” (id {issued.api_key.pk}):"
        self.stdout.write(self.style.SUCCESS(created))
        self.stdout.write(issued.plaintext)
        if kind == ApiKey.Kind.SECRET:
            self.stdout.write("Keep it on your servers: it is not shown again.")
        else:
            self.stdout.write("Put it in your storefront; `haat keys` shows it again.")

    def _revoke(self, key_id: int) -> None:
        key = revoke_api_key(key_id=key_id)
        self.stdout.write(self.style.SUCCESS(f"Revoked {key.name} ({key.prefix}…)."))
