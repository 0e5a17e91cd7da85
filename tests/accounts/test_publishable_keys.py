"""Publishable keys can be shown again (API keys page, `haat keys`); secret keys cannot."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django.urls import reverse

from haat.accounts.api_keys import authenticate_key, create_api_key
from haat.accounts.models import ApiKey
from haat.cli import main

pytestmark = pytest.mark.django_db

LIST = reverse("accounts:api_key_list")


def _keys():
    publishable = create_api_key(name="Shop front", kind="publishable")
    secret = create_api_key(name="ERP sync", kind="secret", role="manager")
    return publishable, secret


def test_api_keys_page_shows_publishable_keys_in_full_with_a_copy_button(staff_client):
    publishable, secret = _keys()
    html = staff_client("owner").get(LIST).content.decode()
    assert f'value="{publishable.plaintext}"' in html
    assert f'data-copy-target="api-key-{publishable.api_key.pk}"' in html
    assert secret.plaintext not in html
    assert f"{secret.api_key.prefix}…" in html


def test_a_key_stored_only_as_a_hash_still_works_and_can_be_replaced(staff_client):
    publishable, _ = _keys()
    old = publishable.api_key
    ApiKey.objects.filter(pk=old.pk).update(public_key="")  # as stored by an older Haat
    client = staff_client("owner")
    html = client.get(LIST).content.decode()
    assert "the full key cannot be shown" in html
    assert publishable.plaintext not in html
    replace = reverse("accounts:api_key_replace", args=[old.pk])
    assert "keeps working until you revoke it" in client.get(replace).content.decode()
    made = client.post(replace).content.decode()
    new = ApiKey.objects.exclude(pk=old.pk).get(kind="publishable")
    assert new.name == "Shop front" and new.public_key.startswith("pk_")
    assert f'value="{new.public_key}"' in made and "revoke the old one" in made
    # the old key keeps working until revoked; the new one works too
    assert authenticate_key(publishable.plaintext, kind="publishable").pk == old.pk
    assert authenticate_key(new.public_key, kind="publishable").pk == new.pk
    assert f'value="{new.public_key}"' in client.get(LIST).content.decode()


def test_replace_is_only_for_unreadable_publishable_keys(staff_client):
    publishable, secret = _keys()
    client = staff_client("owner")
    for key in (publishable.api_key, secret.api_key):
        response = client.post(reverse("accounts:api_key_replace", args=[key.pk]))
        assert response.status_code == 302
    assert ApiKey.objects.count() == 2
    assert staff_client("manager").get(LIST).status_code == 403


def test_a_secret_key_is_never_stored_readable():
    _, secret = _keys()
    with pytest.raises(IntegrityError), transaction.atomic():
        ApiKey.objects.filter(pk=secret.api_key.pk).update(public_key=secret.plaintext)


def test_haat_keys_lists_publishable_in_full_and_secret_by_prefix(capsys):
    publishable, secret = _keys()
    assert main(["keys"]) == 0
    out = capsys.readouterr().out
    assert publishable.plaintext in out
    assert secret.plaintext not in out and f"{secret.api_key.prefix}…" in out
    assert "Shop front (publishable)" in out and "ERP sync (secret · Manager)" in out


def test_haat_keys_creates_and_revokes(capsys):
    assert main(["keys", "create", "--name", "Mobile app"]) == 0
    key = ApiKey.objects.get(name="Mobile app")
    assert key.kind == "publishable"
    assert key.public_key in capsys.readouterr().out
    call_command("keys", "create", "--name", "Ops", "--secret", "--role", "manager")
    secret = ApiKey.objects.get(name="Ops")
    assert secret.kind == "secret" and secret.public_key == ""
    assert "not shown again" in capsys.readouterr().out
    with pytest.raises(CommandError, match="needs a role"):
        call_command("keys", "create", "--name", "No role", "--secret")
    assert main(["keys", "revoke", str(key.pk)]) == 0
    key.refresh_from_db()
    assert key.revoked_at is not None
    assert main(["keys", "revoke", "999999"]) == 1
    assert "No such API key" in capsys.readouterr().err
    call_command("keys")
    assert "Mobile app" not in capsys.readouterr().out  # revoked keys only with --all
    call_command("keys", "list", "--all")
    assert "Mobile app (publishable) · revoked" in capsys.readouterr().out
