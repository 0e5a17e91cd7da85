"""Signing in, lock-out after repeated failures, and password reset by e-mail, end to end."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse

from haat.accounts import services
from haat.accounts.models import User
from haat.core.models import AuditLogEntry
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Saffron-kettle-sunrise-77"
LOGIN = reverse("accounts:login")


def _login(client: Client, email: str, password: str):
    return client.post(LOGIN, {"username": email, "password": password})


def _link_from(message) -> str:
    match = re.search(r"https?://[^/\s]+(/dashboard/password-reset/[^/\s]+/[^/\s]+/)", message.body)
    assert match, message.body
    return match.group(1)


def test_sign_in_is_case_insensitive(owner):
    client = Client()
    response = _login(client, "Owner@Example.TEST", PASSWORD)
    assert response.status_code == 302
    assert client.get(reverse("dashboard:home")).status_code == 200


def test_login_page_links_to_password_reset(client):
    html = client.get(LOGIN).content.decode()
    assert reverse("accounts:password_reset") in html
    assert "Forgot password?" in html


def test_wrong_password_shows_error(client, owner):
    response = _login(client, owner.email, "nope")
    assert response.status_code == 200
    assert b"flash-error" in response.content


def test_lock_out_after_failure_limit(owner):
    client = Client()
    limit = settings.AXES_FAILURE_LIMIT
    for _ in range(limit - 1):
        assert _login(client, owner.email, "wrong-password").status_code == 200
    locked = _login(client, owner.email, "wrong-password")
    assert locked.status_code == 429
    # even the right password is refused now, with the lock-out page
    response = _login(client, "OWNER@example.test", PASSWORD)
    assert response.status_code == 429
    assert b"Too many attempts" in response.content
    assert reverse("accounts:password_reset").encode() in response.content
    assert client.get(reverse("dashboard:home")).status_code == 302  # not signed in
    # another person at the same address is not locked out by it
    other = User.objects.create_user("other@example.test", PASSWORD, role="support")
    assert _login(Client(), other.email, PASSWORD).status_code == 302


def test_success_resets_the_failure_count(owner):
    client = Client()
    limit = settings.AXES_FAILURE_LIMIT
    for _ in range(limit - 1):
        _login(client, owner.email, "wrong-password")
    assert _login(client, owner.email, PASSWORD).status_code == 302
    client.post(reverse("accounts:logout"))
    for _ in range(limit - 1):
        assert _login(client, owner.email, "wrong-password").status_code == 200
    assert _login(client, owner.email, PASSWORD).status_code == 302


def test_password_reset_end_to_end(owner):
    client = Client()
    response = client.post(reverse("accounts:password_reset"), {"email": "OWNER@example.test"})
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [owner.email]
    assert settings.HAAT_STORE_NAME in message.subject
    link = _link_from(message)

    page = client.get(link, follow=True)  # Django swaps the token for a session marker
    assert b"Choose a new password" in page.content
    set_url = page.redirect_chain[-1][0]
    done = client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302
    assert done["Location"] == reverse("accounts:password_reset_complete")
    assert AuditLogEntry.objects.filter(
        action="staff.password_reset", object_id=str(owner.pk)
    ).exists()

    assert _login(Client(), owner.email, PASSWORD).status_code == 200  # old one is gone
    fresh = Client()
    assert _login(fresh, owner.email, NEW_PASSWORD).status_code == 302
    assert fresh.get(reverse("dashboard:home")).status_code == 200
    # the link works once
    assert b"no longer valid" in Client().get(link, follow=True).content


def test_reset_for_unknown_address_looks_the_same_and_sends_nothing(client, owner):
    response = client.post(reverse("accounts:password_reset"), {"email": "nobody@example.test"})
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert mail.outbox == []


def test_reset_not_sent_to_deactivated_staff(client, make_staff):
    user = make_staff("support", is_active=False)
    client.post(reverse("accounts:password_reset"), {"email": user.email})
    assert mail.outbox == []


def test_reset_lifts_the_lock_out(owner):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, owner.email, "wrong-password")
    assert _login(client, owner.email, PASSWORD).status_code == 429
    client.post(reverse("accounts:password_reset"), {"email": owner.email})
    page = client.get(_link_from(mail.outbox[0]), follow=True)
    client.post(
        page.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert _login(client, owner.email, NEW_PASSWORD).status_code == 302


def test_invited_staff_sets_password_and_signs_in(owner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.create_staff(email="invitee@shop.in", role="support", invited_by=owner)
    client = Client()
    page = client.get(_link_from(mail.outbox[0]), follow=True)
    assert b"Choose a new password" in page.content
    client.post(
        page.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert _login(Client(), "invitee@shop.in", NEW_PASSWORD).status_code == 302
    # an invited member who lost the e-mail can ask for a fresh link
    mail.outbox.clear()
    invited = services.create_staff(email="late@shop.in", role="support")
    Client().post(reverse("accounts:password_reset"), {"email": invited.email})
    assert [m.to for m in mail.outbox] == [["late@shop.in"]]


def test_change_own_password_page(make_staff):
    user = make_staff("support")
    client = Client()
    client.force_login(user)
    url = reverse("accounts:password_change")
    bad = client.post(
        url,
        {"current_password": "x", "new_password": NEW_PASSWORD, "new_password_again": NEW_PASSWORD},
    )
    assert b"current password is not correct" in bad.content
    ok = client.post(
        url,
        {
            "current_password": PASSWORD,
            "new_password": NEW_PASSWORD,
            "new_password_again": NEW_PASSWORD,
        },
    )
    assert ok.status_code == 302
    assert client.get(reverse("dashboard:home")).status_code == 200  # still signed in
    assert User.objects.get(pk=user.pk).check_password(NEW_PASSWORD)
