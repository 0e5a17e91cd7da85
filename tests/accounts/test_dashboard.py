"""Staff, roles and API-key pages: every role against every page, and the flows."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from haat.accounts.api_keys import create_api_key
from haat.accounts.models import ApiKey, User
from haat.accounts.roles import PERMISSIONS, Perm, Role, has_permission
from haat.core.models import AuditLogEntry

pytestmark = pytest.mark.django_db

ROLES = list(Role.values)


def _request(client: Client, action: str, make_staff):
    """One protected dashboard action; returns the response."""
    if action == "staff_list":
        return client.get(reverse("accounts:staff_list"))
    if action == "staff_create_page":
        return client.get(reverse("accounts:staff_create"))
    if action == "staff_create":
        return client.post(
            reverse("accounts:staff_create"),
            {"email": "invitee@shop.in", "full_name": "Invitee", "role": "support"},
        )
    if action == "staff_edit":
        member = make_staff("support")
        return client.post(
            reverse("accounts:staff_edit", args=[member.pk]),
            {"full_name": "Edited", "role": "fulfilment"},
        )
    if action == "staff_deactivate":
        member = make_staff("support")
        return client.post(reverse("accounts:staff_deactivate", args=[member.pk]))
    if action == "roles":
        return client.get(reverse("accounts:roles"))
    if action == "api_key_list":
        return client.get(reverse("accounts:api_key_list"))
    if action == "api_key_create":
        return client.post(
            reverse("accounts:api_key_create"),
            {"name": "erp", "kind": "secret", "role": "support"},
        )
    if action == "api_key_revoke":
        key = create_api_key(name="victim", kind="publishable").api_key
        return client.post(reverse("accounts:api_key_revoke", args=[key.pk]))
    raise AssertionError(action)


ACTIONS = {
    "staff_list": (Perm.STAFF_MANAGE, 200),
    "staff_create_page": (Perm.STAFF_MANAGE, 200),
    "staff_create": (Perm.STAFF_MANAGE, 302),
    "staff_edit": (Perm.STAFF_MANAGE, 302),
    "staff_deactivate": (Perm.STAFF_MANAGE, 302),
    "roles": (Perm.STAFF_MANAGE, 200),
    "api_key_list": (Perm.API_KEYS_MANAGE, 200),
    "api_key_create": (Perm.API_KEYS_MANAGE, 200),
    "api_key_revoke": (Perm.API_KEYS_MANAGE, 302),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", list(ACTIONS))
def test_role_matrix_through_the_dashboard(role, action, staff_client, make_staff):
    perm, ok_status = ACTIONS[action]
    before = (User.objects.count(), ApiKey.objects.count(), AuditLogEntry.objects.count())
    response = _request(staff_client(role), action, make_staff)
    if has_permission(role, perm):
        assert response.status_code == ok_status
    else:
        assert response.status_code == 403
        assert b"Not allowed" in response.content
        # the setup may add one target row; the denied action itself changed nothing
        assert AuditLogEntry.objects.filter(action__startswith="staff.update").count() == 0
        assert ApiKey.objects.filter(revoked_at__isnull=False).count() == 0
        assert not User.objects.filter(email="invitee@shop.in").exists()
        assert ApiKey.objects.count() <= before[1] + 1


@pytest.mark.parametrize("url_name", ["staff_list", "roles", "api_key_list", "password_change"])
def test_anonymous_is_sent_to_sign_in(client, url_name):
    response = client.get(reverse(f"accounts:{url_name}"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_invite_from_dashboard_sends_email(staff_client, django_capture_on_commit_callbacks):
    client = staff_client("owner")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accounts:staff_create"),
            {"email": "Ravi@Shop.in", "full_name": "Ravi", "role": "fulfilment"},
            follow=True,
        )
    assert b"ravi@shop.in was added" in response.content
    assert mail.outbox[0].to == ["ravi@shop.in"]
    assert "http://testserver/dashboard/password-reset/" in mail.outbox[0].body
    listing = client.get(reverse("accounts:staff_list")).content.decode()
    assert "ravi@shop.in" in listing and "Invited" in listing


def test_duplicate_invite_shows_error_on_the_field(staff_client, owner):
    response = staff_client("owner").post(
        reverse("accounts:staff_create"), {"email": "owner@example.test", "role": "support"}
    )
    assert response.status_code == 200
    assert b"already exists" in response.content
    assert User.objects.filter(email__iexact="owner@example.test").count() == 1


def test_last_owner_cannot_demote_themself_in_dashboard(owner):
    client = Client()
    client.force_login(owner)
    response = client.post(
        reverse("accounts:staff_edit", args=[owner.pk]), {"full_name": "Me", "role": "manager"}
    )
    assert response.status_code == 200
    assert b"last active owner" in response.content
    owner.refresh_from_db()
    assert owner.role == "owner"
    response = client.post(reverse("accounts:staff_deactivate", args=[owner.pk]), follow=True)
    assert b"last active owner" in response.content
    assert User.objects.get(pk=owner.pk).is_active


def test_deactivate_then_reactivate(staff_client, make_staff):
    client = staff_client("owner")
    member = make_staff("support")
    confirm = client.get(reverse("accounts:staff_deactivate", args=[member.pk]))
    assert b"Deactivate" in confirm.content
    assert User.objects.get(pk=member.pk).is_active  # GET changes nothing
    client.post(reverse("accounts:staff_deactivate", args=[member.pk]))
    assert not User.objects.get(pk=member.pk).is_active
    client.post(reverse("accounts:staff_reactivate", args=[member.pk]))
    assert User.objects.get(pk=member.pk).is_active


def test_missing_staff_is_404(staff_client):
    assert (
        staff_client("owner").get(reverse("accounts:staff_edit", args=[987654])).status_code == 404
    )


def test_roles_page_renders_the_matrix(staff_client):
    html = staff_client("owner").get(reverse("accounts:roles")).content.decode()
    for perm in Perm:
        assert perm.value in html
    for role in Role:
        assert str(role.label) in html
    ticks = html.count('aria-label="allowed"')
    assert ticks == sum(len(perms) for perms in PERMISSIONS.values())


def test_api_key_shown_once_and_never_listed(staff_client):
    client = staff_client("owner")
    response = client.post(
        reverse("accounts:api_key_create"),
        {"name": "warehouse", "kind": "secret", "role": "fulfilment"},
    )
    assert response.status_code == 200
    key = ApiKey.objects.get(name="warehouse")
    html = response.content.decode()
    start = html.index('value="sk_') + len('value="')
    plaintext = html[start : html.index('"', start)]
    assert plaintext.startswith(key.prefix) and len(plaintext) > 30
    assert "no-store" in response["Cache-Control"]
    assert "Copy" in html
    listing = client.get(reverse("accounts:api_key_list")).content.decode()
    assert key.prefix in listing
    assert plaintext not in listing and key.key_hash not in listing
    # and the key works against the admin API with its role
    me = Client().get("/api/v1/admin/me", headers={"Authorization": f"Bearer {plaintext}"})
    assert me.json()["role"] == "fulfilment"


def test_api_key_form_errors(staff_client):
    response = staff_client("owner").post(
        reverse("accounts:api_key_create"), {"name": "no role", "kind": "secret", "role": ""}
    )
    assert response.status_code == 200
    assert b"needs a role" in response.content
    assert not ApiKey.objects.exists()


def test_revoke_asks_first_then_revokes(staff_client):
    client = staff_client("owner")
    issued = create_api_key(name="old", kind="secret", role="support")
    url = reverse("accounts:api_key_revoke", args=[issued.api_key.pk])
    assert b"Revoke old?" in client.get(url).content
    assert ApiKey.objects.get(pk=issued.api_key.pk).revoked_at is None
    response = client.post(url, follow=True)
    assert b"Revoked old" in response.content
    assert ApiKey.objects.get(pk=issued.api_key.pk).revoked_at is not None
    me = Client().get("/api/v1/admin/me", headers={"Authorization": f"Bearer {issued.plaintext}"})
    assert me.status_code == 401


def test_staff_list_filters(staff_client, make_staff):
    make_staff("marketing", full_name="Meera")
    make_staff("support", full_name="Sunil", is_active=False)
    client = staff_client("owner")
    html = client.get(reverse("accounts:staff_list"), {"role": "marketing"}).content.decode()
    assert "Meera" in html and "Sunil" not in html
    html = client.get(reverse("accounts:staff_list"), {"status": "inactive"}).content.decode()
    assert "Sunil" in html and "Meera" not in html


def test_staff_list_query_count_does_not_grow(
    staff_client, make_staff, django_assert_max_num_queries
):
    client = staff_client("owner")
    for _ in range(30):
        make_staff("support")
    with django_assert_max_num_queries(12):
        assert client.get(reverse("accounts:staff_list")).status_code == 200
    for _ in range(5):
        create_api_key(name="k", kind="secret", role="support")
    with django_assert_max_num_queries(12):
        assert client.get(reverse("accounts:api_key_list")).status_code == 200
