"""The accounts context's error codes (staff members and their roles)."""

from __future__ import annotations

from haat.core.error_codes import ErrorCode


class AccountError(ErrorCode):
    DUPLICATE_EMAIL = "duplicate_email", 409, "A staff member with this e-mail already exists."
    LAST_OWNER = (
        "last_owner",
        409,
        "The store's last active owner cannot be demoted or deactivated.",
    )
    INACTIVE = "inactive", 409, "The account is deactivated; reactivate it first."
