"""How the audit log reads staff and API-key actions and names them (see
`haat.core.audit_words`): people by name, roles in words; secrets never appear."""

from __future__ import annotations

from collections.abc import Mapping

from django.urls import reverse

from haat.accounts.models import ApiKey, User
from haat.accounts.roles import Role
from haat.core.audit_words import AuditWords, Entry, Named, ObjectKind, Phrase, field_changes

STAFF = "accounts.user"
API_KEY = "accounts.apikey"


def _ints(ids: list[str]) -> list[int]:
    return [int(i) for i in ids if i.isdigit()]


def _staff(ids: list[str]) -> Mapping[str, Named]:
    rows = User.objects.filter(pk__in=_ints(ids)).values_list("pk", "full_name", "email")
    return {
        str(pk): Named(name or email, reverse("accounts:staff_edit", args=[pk]))
        for pk, name, email in rows
    }


def _keys(ids: list[str]) -> Mapping[str, Named]:
    rows = ApiKey.objects.filter(pk__in=_ints(ids)).values_list("pk", "name")
    return {str(pk): Named(name, reverse("accounts:api_key_list")) for pk, name in rows}


def _role(value: object) -> str:
    try:
        return str(Role(value).label)
    except ValueError:
        return str(value or "—")


def _staff_details(e: Entry) -> list[str]:
    changes = dict(e.changes)
    role = changes.pop("role", None)
    rows = field_changes(changes, {"full_name": "Name", "email": "E-mail", "is_active": "Active"})
    if isinstance(role, list) and len(role) == 2:
        rows.append(f"Role: {_role(role[0])} → {_role(role[1])}")
    elif role:
        rows.append(f"Role: {_role(role)}")
    return rows


def _key_details(e: Entry) -> list[str]:
    rows = []
    if e.changes.get("kind"):
        rows.append(f"Kind: {e.changes['kind']}")
    if e.changes.get("role"):
        rows.append(f"Role: {_role(e.changes['role'])}")
    return rows


WORDS = AuditWords(
    phrases={
        "staff.create": Phrase("added {object} to the team", _staff_details),
        "staff.update": Phrase("edited the staff member {object}", _staff_details),
        "staff.activate": Phrase("let {object} sign in again", _staff_details),
        "staff.deactivate": Phrase("stopped {object} from signing in", _staff_details),
        "staff.invite_resend": "sent {object} a new invitation",
        "staff.password_change": "changed the password of {object}",
        "staff.password_reset": "reset the password of {object} by e-mail",
        "api_key.create": Phrase("created the API key {object}", _key_details),
        "api_key.revoke": "revoked the API key {object}",
        "api_key.replace": "replaced the API key {object} with a new one of the same name",
    },
    kinds=(
        ObjectKind(STAFF, "staff member", _staff),
        ObjectKind(API_KEY, "API key", _keys),
    ),
)
