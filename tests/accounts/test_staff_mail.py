"""E-mail to staff through a real SMTP server on loopback: what was sent, what failed, and
what the staff member in front of the page is told. A closed port stands for a mail server
that is down; a server answering 550 for one that refuses the address."""

from __future__ import annotations

import re

import pytest
from django.core import checks
from django.test import Client, override_settings
from django.urls import reverse

from haat.accounts import services
from haat.accounts.models import StaffEmail, User
from haat.core.mail_delivery import LOCAL_BACKEND
from tests.accounts.smtp import SmtpServer, free_port, smtp_settings
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

RESET = reverse("accounts:password_reset")
LOG = reverse("accounts:email_log")


@pytest.fixture
def smtp():
    with SmtpServer() as server, override_settings(**server.settings()):
        yield server


@pytest.fixture
def mail_down():
    with override_settings(**smtp_settings(free_port())):
        yield


def _owner_client(owner) -> Client:
    client = Client()
    client.force_login(owner)
    return client


@pytest.mark.django_db(transaction=True)  # the invitation leaves on commit
def test_invitation_goes_through_smtp_and_is_recorded(smtp, owner):
    client = _owner_client(owner)
    response = client.post(
        reverse("accounts:staff_create"),
        {"email": "ravi@shop.in", "full_name": "Ravi", "role": "support"},
        follow=True,
    )
    assert "We e-mailed ravi@shop.in a link to set a password." in response.content.decode()
    [received] = smtp.received
    assert received.recipients == ["ravi@shop.in"]
    assert "http://testserver/dashboard/password-reset/" in received.body
    sent = StaffEmail.objects.get()
    assert (sent.kind, sent.to, sent.status) == ("invitation", "ravi@shop.in", "sent")
    assert sent.error == ""
    assert sent.delivery == f"SMTP server 127.0.0.1:{smtp.port}"


@pytest.mark.django_db(transaction=True)  # the invitation leaves on commit
def test_failed_invitation_is_told_to_the_owner_and_logged(mail_down, owner):
    client = _owner_client(owner)
    response = client.post(
        reverse("accounts:staff_create"),
        {"email": "ravi@shop.in", "full_name": "Ravi", "role": "support"},
        follow=True,
    )
    html = response.content.decode()
    assert "The invitation e-mail could not be sent" in html
    assert "We e-mailed" not in html
    sent = StaffEmail.objects.get()
    assert sent.status == "failed"
    assert sent.error.startswith("Nothing answered at the mail server's address and port")
    # resending while the server is still down says so too
    member = User.objects.get(email=sent.to)
    resend = client.post(reverse("accounts:staff_resend_invite", args=[member.pk]), follow=True)
    assert "could not be sent" in resend.content.decode()
    assert StaffEmail.objects.filter(status="failed").count() == 2


def test_email_log_lists_failures_and_the_navigation_counts_them(mail_down, owner):
    services.resend_invitation(user=owner)  # fails: nothing listens
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        services.resend_invitation(user=owner)  # goes through
    client = _owner_client(owner)
    html = client.get(LOG).content.decode()
    assert "1 e-mail failed in the last 24 hours" in html
    assert html.count('class="row-failed"') == 1
    assert "Nothing answered at the mail server" in html
    assert "Invitation to set a password" in html
    assert 'title="1 e-mail failed in the last day"' in html  # the badge on every page
    failed_only = client.get(LOG, {"status": "failed"}).content.decode()
    assert failed_only.count("<tr") == 2  # the header and the failed one


def test_a_server_refusing_the_recipient_is_a_failure(smtp, owner):
    smtp.mailbox.refuse.add(owner.email)
    sent = services.resend_invitation(user=owner)
    assert sent.failed
    assert sent.error.startswith("The mail server refused the recipient's address")
    assert "No such mailbox here" in sent.error
    assert smtp.received == []


def test_password_reset_through_smtp_says_check_your_inbox(smtp, owner):
    response = Client().post(RESET, {"email": owner.email}, follow=True)
    assert response.status_code == 200
    assert "Check your inbox" in response.content.decode()
    [received] = smtp.received
    assert re.search(r"/dashboard/password-reset/[^/\s]+/[^/\s]+/", received.body)
    assert StaffEmail.objects.get().kind == "password_reset"


def test_password_reset_says_when_the_mail_server_failed(mail_down, owner):
    response = Client().post(RESET, {"email": owner.email})
    assert response.status_code == 503
    html = response.content.decode()
    assert "We could not send the e-mail" in html and "Check your inbox" not in html
    assert StaffEmail.objects.get().status == "failed"
    # while sending fails, an unknown address gets the same answer: the page does not tell
    # who works here
    unknown = Client().post(RESET, {"email": "nobody@example.test"})
    assert unknown.status_code == 503
    assert StaffEmail.objects.count() == 1


def test_unknown_address_gets_check_your_inbox_when_mail_works(smtp, owner):
    response = Client().post(RESET, {"email": "nobody@example.test"}, follow=True)
    assert "Check your inbox" in response.content.decode()
    assert smtp.received == [] and not StaffEmail.objects.exists()


@override_settings(
    HAAT_RATE_LIMITS={"login_account": "3/h", "login_ip": "100/h"}, AXES_FAILURE_LIMIT=100
)
def test_lockout_notice_failure_is_recorded_and_sign_in_still_answers(mail_down, make_staff):
    make_staff("owner", email="boss@example.com")
    for n in range(3):
        response = Client(REMOTE_ADDR=f"10.0.0.{n}").post(
            reverse("accounts:login"), {"username": "boss@example.com", "password": "wrong"}
        )
        assert response.status_code == 200
    notice = StaffEmail.objects.get()
    assert (notice.kind, notice.status) == ("lockout_notice", "failed")
    locked = Client().post(
        reverse("accounts:login"), {"username": "boss@example.com", "password": PASSWORD}
    )
    assert locked.status_code == 429


@pytest.mark.django_db(transaction=True)  # the invitation leaves on commit
def test_without_email_settings_mail_is_saved_as_files(owner, tmp_path):
    with override_settings(EMAIL_BACKEND=LOCAL_BACKEND, HAAT_EMAIL_DIR=tmp_path / "mail"):
        client = _owner_client(owner)
        response = client.post(
            reverse("accounts:staff_create"),
            {"email": "ravi@shop.in", "full_name": "Ravi", "role": "support"},
            follow=True,
        )
        html = response.content.decode()
        assert "E-mail is not set up on this server, so the invitation was not sent" in html
        [saved] = list((tmp_path / "mail").glob("*.eml"))
        assert (tmp_path / "mail").stat().st_mode & 0o777 == 0o700
        text = saved.read_text()
        assert "To: ravi@shop.in" in text
        assert "http://testserver/dashboard/password-reset/" in text
        assert StaffEmail.objects.get().status == "kept_locally"
        log = client.get(LOG).content.decode()
        assert "E-mail is not set up, so nobody receives these messages" in log
        assert str(tmp_path / "mail") in log
        done = Client().get(reverse("accounts:password_reset_done")).content.decode()
        assert "E-mail is not set up" in done and "was kept on this server" in done
        assert f"(saved as files in {tmp_path / 'mail'}).</p>" in done


def test_deploy_check_warns_when_email_is_not_set_up(smtp):
    def warnings() -> list[str]:
        return [m.id for m in checks.run_checks(include_deployment_checks=True, tags=["haat"])]

    assert "haat.W001" not in warnings()
    with override_settings(EMAIL_BACKEND=LOCAL_BACKEND):
        assert "haat.W001" in warnings()


def test_email_log_is_for_owners_and_managers(staff_client, mail_down):
    assert staff_client("manager").get(LOG).status_code == 200
    assert staff_client("support").get(LOG).status_code == 403


def test_email_log_reads_in_a_fixed_number_of_queries(owner, django_assert_max_num_queries):
    StaffEmail.objects.bulk_create(
        StaffEmail(kind="invitation", to=f"p{n}@shop.in", subject="Hi", status="sent")
        for n in range(30)
    )
    client = _owner_client(owner)
    client.get(LOG)  # warm the navigation's cached badges
    with django_assert_max_num_queries(12):
        assert client.get(LOG).status_code == 200


def test_the_member_page_shows_that_their_invitation_failed(mail_down, owner):
    member = services.create_staff(email="ravi@shop.in", role="support", send_invitation=False)
    services.resend_invitation(user=member)
    html = _owner_client(owner).get(reverse("accounts:staff_edit", args=[member.pk])).content
    assert "could not be sent: Nothing answered at the mail server" in html.decode()


@override_settings(HAAT_EMAIL_LOG_DAYS=30)
def test_old_records_are_pruned_daily(owner):
    from datetime import timedelta

    from django.utils import timezone

    from haat.accounts.tasks import prune_staff_email_log

    old, recent = StaffEmail.objects.bulk_create(
        StaffEmail(kind="invitation", to=owner.email, subject="Hi", status="sent") for _ in range(2)
    )
    StaffEmail.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=31))
    assert prune_staff_email_log.call() == 1
    assert list(StaffEmail.objects.values_list("pk", flat=True)) == [recent.pk]
