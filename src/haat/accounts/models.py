"""Staff users (e-mail login, one role each) and API keys."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower

from haat.accounts.roles import Role, has_permission


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields) -> User:
        if not email:
            raise ValueError("e-mail is required")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def get_by_natural_key(self, username: str | None) -> User:
        # Sign-in is case-insensitive: "Asha@Shop.in" and "asha@shop.in" are one person.
        return self.get(email__iexact=username or "")

    def create_superuser(self, email: str, password: str | None = None, **fields) -> User:
        fields.update(is_staff=True, is_superuser=True, role=Role.OWNER)
        return self.create_user(email, password, **fields)


class User(AbstractUser):
    """A staff member. Customers are not users; they live in the customers context."""

    username = None  # type: ignore[assignment]
    first_name = None  # type: ignore[assignment]
    last_name = None  # type: ignore[assignment]
    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=150, blank=True)
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.SUPPORT)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []
    objects = UserManager()

    class Meta:
        ordering = ["email"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.full_name or self.email

    def can(self, perm: str) -> bool:
        return self.is_active and has_permission(self.role, perm)


class ApiKey(models.Model):
    """Secret admin keys (`sk_...`, hashed, scoped to a role) and publishable storefront
    keys (`pk_...`, readable, only open the storefront API)."""

    class Kind(models.TextChoices):
        SECRET = "secret", "Secret (admin API)"
        PUBLISHABLE = "publishable", "Publishable (storefront)"

    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    # First characters of the key, shown in lists so a person can tell keys apart.
    prefix = models.CharField(max_length=16, db_index=True)
    # SHA-256 of the whole key; the key itself is shown once at creation.
    key_hash = models.CharField(max_length=64, unique=True)
    # The whole publishable key: not a secret (it sits in storefront pages), so it is shown
    # again on the API keys page and by `haat keys`. Empty for secret keys, always, and for
    # publishable keys stored before it was kept (those cannot be shown; replace them).
    public_key = models.CharField(max_length=64, blank=True)
    role = models.CharField(max_length=20, choices=Role.choices, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="publishable") | ~Q(role=""), name="secret_key_has_role"
            ),
            # A secret key is never stored readable, whatever writes the row.
            models.CheckConstraint(
                condition=Q(kind="publishable") | Q(public_key=""),
                name="secret_key_not_stored_readable",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    @property
    def shown_key(self) -> str:
        """What lists may show: the whole publishable key, else the prefix with an ellipsis."""
        return self.public_key or f"{self.prefix}…"

    @property
    def unreadable(self) -> bool:
        """A publishable key kept only as a hash (from before keys were kept readable)."""
        return self.kind == self.Kind.PUBLISHABLE and not self.public_key

    def can(self, perm: str) -> bool:
        return self.kind == self.Kind.SECRET and self.is_active and has_permission(self.role, perm)


class StaffEmail(models.Model):
    """One attempt to send an e-mail to a staff member (invitation, password reset, lock-out
    notice), so a message the mail server refused is seen on the E-mail log page instead of
    only in a server log. Messages to customers belong to the notifications context, not
    here. Written by `accounts.staff_mail.send_staff_email` only."""

    class Kind(models.TextChoices):
        INVITATION = "invitation", "Invitation to set a password"
        PASSWORD_RESET = "password_reset", "Password reset"
        LOCKOUT_NOTICE = "lockout_notice", "Sign-in locked notice"

    class Status(models.TextChoices):
        SENT = "sent", "Sent"
        KEPT_LOCALLY = "kept_locally", "Not sent (e-mail is not set up)"
        FAILED = "failed", "Failed"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    to = models.EmailField(max_length=254)
    subject = models.CharField(max_length=200)
    status = models.CharField(max_length=20, choices=Status.choices)
    # What the mail server or library said, for a failed attempt (no message body is kept).
    error = models.CharField(max_length=500, blank=True)
    # Where it went: "SMTP server smtp.example.in:587", "saved as files in … (not sent)".
    delivery = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "created_at"], name="staff_email_status_time")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.to} ({self.status})"

    @property
    def failed(self) -> bool:
        return self.status == self.Status.FAILED
