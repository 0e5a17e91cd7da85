"""Staff accounts: inviting, changing roles, deactivating, changing one's own password.

Rules kept here (not in views or the API):
- e-mail addresses are unique without regard to case;
- only an owner may make someone an owner, or change an owner's account;
- the store always keeps at least one active owner (checked under a row lock, so two
  owners demoting each other at the same moment cannot leave the store without one).
"""

from __future__ import annotations

from typing import Any

from axes.utils import reset as reset_lockout
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction

from haat.accounts import lockout
from haat.accounts.emails import send_set_password_email
from haat.accounts.error_codes import AccountError
from haat.accounts.models import StaffEmail, User
from haat.accounts.roles import Role
from haat.core.audit import diff, record_audit
from haat.core.errors import Conflict, NotFound, PermissionDenied, ValidationError

_AUDITED_FIELDS = ("full_name", "role", "is_active")


def _snapshot(user: User) -> dict[str, Any]:
    return {field: getattr(user, field) for field in _AUDITED_FIELDS}


def _clean_email(email: str) -> str:
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except DjangoValidationError:
        raise ValidationError("Enter a valid e-mail address.", details={"field": "email"}) from None
    if len(email) > 254:
        raise ValidationError(
            "E-mail is too long (254 characters at most).", details={"field": "email"}
        )
    return email


def _clean_full_name(full_name: str) -> str:
    full_name = (full_name or "").strip()
    if len(full_name) > 150:
        raise ValidationError(
            "Name is too long (150 characters at most).", details={"field": "full_name"}
        )
    return full_name


def _check_role(role: str) -> None:
    if role not in Role.values:
        raise ValidationError(
            f"Unknown role '{role}'. Choose one of: {', '.join(Role.values)}.",
            details={"field": "role"},
        )


def _check_password(password: str, user: User, field: str = "password") -> None:
    try:
        password_validation.validate_password(password, user)
    except DjangoValidationError as exc:
        raise ValidationError(" ".join(exc.messages), details={"field": field}) from None


def _lock_active_owners() -> list[int]:
    """Lock every active owner row (in id order) and return their ids."""
    return list(
        User.objects.select_for_update()
        .filter(role=Role.OWNER, is_active=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def create_staff(
    *,
    email: str,
    full_name: str = "",
    role: str,
    password: str | None = None,
    invited_by: User | None = None,
    actor_role: str | None = None,
    origin: str | None = None,
    send_invitation: bool = True,
) -> User:
    """Add a staff member. Without a password they get an e-mail to choose one (unless
    `send_invitation` is False: they can still use "Forgot password?").

    `actor_role` is the role of whoever asks (defaults to `invited_by.role`; None for the
    command line, which is trusted). `origin` is the site address for links in the e-mail.
    """
    email = _clean_email(email)
    full_name = _clean_full_name(full_name)
    _check_role(role)
    actor_role = actor_role or (invited_by.role if invited_by else None)
    if role == Role.OWNER and actor_role not in (None, Role.OWNER):
        raise PermissionDenied(
            "Only an owner can make someone an owner.", details={"field": "role"}
        )
    user = User(email=email, full_name=full_name, role=role, is_staff=False)
    if password:
        _check_password(password, user)
        user.set_password(password)
    else:
        user.set_unusable_password()
    duplicate = Conflict(
        f"A staff member with the e-mail {email} already exists.",
        code=AccountError.DUPLICATE_EMAIL,
        details={"field": "email"},
    )
    if User.objects.filter(email__iexact=email).exists():
        raise duplicate
    try:
        with transaction.atomic():
            user.save()
            record_audit(
                action="staff.create",
                obj=user,
                changes={"email": email, "role": role, "full_name": full_name},
            )
            if not password and send_invitation:
                transaction.on_commit(
                    lambda: send_set_password_email(user, invited_by=invited_by, origin=origin)
                )
    except IntegrityError:  # a concurrent request took the address first
        raise duplicate from None
    return user


def update_staff(
    *,
    user: User,
    full_name: str | None = None,
    role: str | None = None,
    is_active: bool | None = None,
    actor_role: str | None = None,
) -> User:
    """Change a staff member's name, role or active flag; None leaves a field alone."""
    if full_name is not None:
        full_name = _clean_full_name(full_name)
    if role is not None:
        _check_role(role)
    with transaction.atomic():
        owners = _lock_active_owners()
        locked = User.objects.select_for_update().filter(pk=user.pk).first()
        if locked is None:
            raise NotFound("No such staff member.")
        before = _snapshot(locked)
        if actor_role not in (None, Role.OWNER):
            if role == Role.OWNER and locked.role != Role.OWNER:
                raise PermissionDenied(
                    "Only an owner can make someone an owner.", details={"field": "role"}
                )
            if locked.role == Role.OWNER:
                raise PermissionDenied("Only an owner can change an owner's account.")
        if full_name is not None:
            locked.full_name = full_name
        if role is not None:
            locked.role = role
        if is_active is not None:
            locked.is_active = is_active
        was_last_owner = owners == [locked.pk]
        if was_last_owner and (locked.role != Role.OWNER or not locked.is_active):
            raise Conflict(
                "This is the store's last active owner. Make someone else an owner first.",
                code=AccountError.LAST_OWNER,
                details={"field": "role" if locked.role != Role.OWNER else "is_active"},
            )
        changes = diff(before, _snapshot(locked))
        if changes:
            locked.save(update_fields=list(changes))
            action = "staff.update"
            if list(changes) == ["is_active"]:
                action = "staff.activate" if locked.is_active else "staff.deactivate"
            record_audit(action=action, obj=locked, changes=changes)
    # Keep the caller's object in step with the database.
    for field in _AUDITED_FIELDS:
        setattr(user, field, getattr(locked, field))
    return locked


def deactivate_staff(*, user: User, actor_role: str | None = None) -> User:
    """Stop a staff member from signing in; their history stays. Sessions end at once
    because inactive users are not loaded from a session."""
    return update_staff(user=user, is_active=False, actor_role=actor_role)


def reactivate_staff(*, user: User, actor_role: str | None = None) -> User:
    return update_staff(user=user, is_active=True, actor_role=actor_role)


def resend_invitation(
    *, user: User, invited_by: User | None = None, origin: str | None = None
) -> StaffEmail:
    """Send the "set your password" e-mail again; the record says whether it went."""
    if not user.is_active:
        raise Conflict(
            "This account is deactivated; reactivate it first.", code=AccountError.INACTIVE
        )
    with transaction.atomic():
        record_audit(action="staff.invite_resend", obj=user)
    return send_set_password_email(user, invited_by=invited_by, origin=origin)


def change_own_password(*, user: User, current_password: str, new_password: str) -> User:
    """Self-service password change; the current password proves it is really them."""
    if not user.check_password(current_password or ""):
        raise ValidationError(
            "Your current password is not correct.", details={"field": "current_password"}
        )
    if not new_password:
        raise ValidationError("Choose a new password.", details={"field": "new_password"})
    _check_password(new_password, user, field="new_password")
    with transaction.atomic():
        user.set_password(new_password)
        user.save(update_fields=["password"])
        record_audit(action="staff.password_change", obj=user)
    return user


def record_password_reset(*, user: User) -> None:
    """After a reset by e-mail link: audit it and lift any sign-in lock-out, since the
    person has just proved they own the mailbox."""
    with transaction.atomic():
        record_audit(action="staff.password_reset", obj=user)
    reset_lockout(username=user.email)
    lockout.lift(user.email)
