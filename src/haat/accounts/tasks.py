"""Background work of the accounts context: the daily clean-up of the staff e-mail log."""

from __future__ import annotations

from datetime import timedelta

from django_tasks import task

from haat.accounts.staff_mail import prune_staff_emails
from haat.core.periodic import periodic


@periodic(every=timedelta(days=1), name="accounts.prune_staff_emails")
@task()
def prune_staff_email_log() -> int:
    """Forget staff e-mail records older than HAAT_EMAIL_LOG_DAYS."""
    return prune_staff_emails()
