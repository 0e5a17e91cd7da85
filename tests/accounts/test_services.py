"""Staff services: the rules on e-mail, roles and owners, and their audit trail."""

from __future__ import annotations

import pytest
from django.core import mail

from haat.accounts import services
from haat.accounts.models import User
from haat.core.errors import Conflict, NotFound, PermissionDenied, ValidationError
from haat.core.models import AuditLogEntry
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_create_with_password_can_sign_in_and_is_audited():
    user = services.create_staff(
        email="  Asha@Shop.IN ", full_name="Asha", role="manager", password=PASSWORD
    )
    assert user.email == "asha@shop.in"
    assert user.check_password(PASSWORD)
    entry = AuditLogEntry.objects.get(action="staff.create")
    assert entry.object_id == str(user.pk)
    assert entry.changes["role"] == "manager"
    assert PASSWORD not in str(entry.changes)


def test_create_without_password_emails_a_set_password_link(
    owner, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        user = services.create_staff(email="new@shop.in", role="support", invited_by=owner)
    assert not user.has_usable_password()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["new@shop.in"]
    assert "/dashboard/password-reset/" in message.body
    assert "Asha Owner" in message.body


def test_duplicate_email_is_a_conflict_whatever_the_case(owner):
    with pytest.raises(Conflict) as exc:
        services.create_staff(email="OWNER@example.TEST", role="support", password=PASSWORD)
    assert exc.value.code == "duplicate_email"
    assert User.objects.count() == 1


@pytest.mark.parametrize(
    ("email", "role", "field"),
    [("not-an-email", "support", "email"), ("ok@shop.in", "janitor", "role")],
)
def test_bad_input_names_the_field_and_changes_nothing(email, role, field):
    with pytest.raises(ValidationError) as exc:
        services.create_staff(email=email, role=role, password=PASSWORD)
    assert exc.value.details["field"] == field
    assert not User.objects.exists()
    assert not AuditLogEntry.objects.exists()


def test_weak_password_is_refused():
    with pytest.raises(ValidationError) as exc:
        services.create_staff(email="a@shop.in", role="support", password="12345678")
    assert exc.value.details["field"] == "password"


def test_only_owners_make_owners(make_staff):
    manager = make_staff("manager")
    with pytest.raises(PermissionDenied):
        services.create_staff(
            email="x@shop.in", role="owner", password=PASSWORD, invited_by=manager
        )
    support = make_staff("support")
    with pytest.raises(PermissionDenied):
        services.update_staff(user=support, role="owner", actor_role="manager")
    assert User.objects.get(pk=support.pk).role == "support"
    services.update_staff(user=support, role="owner", actor_role="owner")
    assert User.objects.get(pk=support.pk).role == "owner"


def test_non_owner_cannot_touch_an_owner(owner, make_staff):
    make_staff("owner")  # so "last owner" is not what stops it
    with pytest.raises(PermissionDenied):
        services.deactivate_staff(user=owner, actor_role="manager")
    assert User.objects.get(pk=owner.pk).is_active


def test_last_owner_cannot_be_demoted_or_deactivated(owner):
    with pytest.raises(Conflict) as exc:
        services.update_staff(user=owner, role="manager", actor_role="owner")
    assert exc.value.code == "last_owner"
    with pytest.raises(Conflict) as exc:
        services.deactivate_staff(user=owner, actor_role="owner")
    assert exc.value.code == "last_owner"
    owner.refresh_from_db()
    assert owner.role == "owner" and owner.is_active


def test_an_inactive_owner_does_not_count(owner, make_staff):
    other = make_staff("owner", is_active=False)
    with pytest.raises(Conflict):
        services.update_staff(user=owner, role="manager")
    services.reactivate_staff(user=other)
    services.update_staff(user=owner, role="manager")
    assert User.objects.get(pk=owner.pk).role == "manager"


def test_update_audits_only_what_changed(make_staff):
    user = make_staff("support", full_name="Old")
    services.update_staff(user=user, full_name="New", role="support")
    entry = AuditLogEntry.objects.get(action="staff.update")
    assert entry.changes == {"full_name": ["Old", "New"]}
    services.update_staff(user=user, full_name="New")
    assert AuditLogEntry.objects.filter(action="staff.update").count() == 1
    services.deactivate_staff(user=user)
    assert AuditLogEntry.objects.get(action="staff.deactivate").changes == {
        "is_active": [True, False]
    }
    assert user.is_active is False


def test_update_missing_user_is_not_found(make_staff):
    ghost = User(pk=999_999, email="ghost@shop.in")
    with pytest.raises(NotFound):
        services.update_staff(user=ghost, full_name="x")


def test_change_own_password(make_staff):
    user = make_staff("support")
    with pytest.raises(ValidationError) as exc:
        services.change_own_password(
            user=user, current_password="wrong", new_password="brand-New-secret-42"
        )
    assert exc.value.details["field"] == "current_password"
    with pytest.raises(ValidationError) as exc:
        services.change_own_password(user=user, current_password=PASSWORD, new_password="123")
    assert exc.value.details["field"] == "new_password"
    services.change_own_password(
        user=user, current_password=PASSWORD, new_password="brand-New-secret-42"
    )
    assert User.objects.get(pk=user.pk).check_password("brand-New-secret-42")
    assert AuditLogEntry.objects.filter(action="staff.password_change").count() == 1


def test_staff_added_without_invitation_gets_no_email(
    mailoutbox, django_capture_on_commit_callbacks
):
    from haat.accounts.services import create_staff

    with django_capture_on_commit_callbacks(execute=True):
        user = create_staff(email="quiet@example.test", role="support", send_invitation=False)
    assert not user.has_usable_password()
    assert mailoutbox == []
