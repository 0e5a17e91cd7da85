"""The `createstaff` management command."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from haat.accounts.models import User
from haat.core.models import AuditLogEntry
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_creates_owner_with_given_password():
    out = io.StringIO()
    call_command("createstaff", "--email", "Asha@Shop.in", "--password", PASSWORD, stdout=out)
    user = User.objects.get()
    assert (user.email, user.role) == ("asha@shop.in", "owner")
    assert user.check_password(PASSWORD)
    assert PASSWORD not in out.getvalue()
    assert AuditLogEntry.objects.get(action="staff.create").actor_label == "cli:createstaff"


def test_no_input_generates_and_prints_a_password():
    out = io.StringIO()
    call_command(
        "createstaff", "--email", "ops@shop.in", "--role", "manager", "--no-input", stdout=out
    )
    password = next(
        line.split(": ", 1)[1]
        for line in out.getvalue().splitlines()
        if line.startswith("Password: ")
    )
    user = User.objects.get(email="ops@shop.in")
    assert user.role == "manager" and user.check_password(password)


def test_duplicate_email_fails_clearly(owner):
    with pytest.raises(CommandError, match="already exists"):
        call_command("createstaff", "--email", "OWNER@example.test", "--no-input")
    assert User.objects.count() == 1


def test_weak_password_fails_clearly():
    with pytest.raises(CommandError, match=r"too common|too short|numeric"):
        call_command("createstaff", "--email", "a@shop.in", "--password", "12345678")
    assert not User.objects.exists()
