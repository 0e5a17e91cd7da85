"""The API keys page in a real Chromium: a publishable key is copied to the clipboard, at
1280 px and at 390 px (where each key is a card and the Copy button stays in view)."""

from __future__ import annotations

import pytest

from haat.accounts.api_keys import create_api_key

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", [1280, 390])
def test_copy_a_publishable_key_from_the_api_keys_page(signed_in_page, width):
    issued = create_api_key(name="Shop front", kind="publishable")
    secret = create_api_key(name="ERP", kind="secret", role="manager")
    page = signed_in_page("owner")
    page.set_viewport_size({"width": width, "height": 900})
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto("/dashboard/settings/api-keys/")
    assert page.get_by_label("Publishable key Shop front").input_value() == issued.plaintext
    assert secret.plaintext not in page.content()
    button = page.get_by_role("button", name="Copy")
    assert button.is_visible() and button.bounding_box()["x"] + 20 < width
    button.click()
    page.get_by_role("button", name="Copied").wait_for()
    assert page.evaluate("navigator.clipboard.readText()") == issued.plaintext
    assert page.evaluate("document.documentElement.scrollWidth") <= width
