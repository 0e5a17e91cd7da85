"""The payment rules page in a real Chromium: a refused rule shows its message next to
the field, keeps what was typed, and the page does not scroll sideways at 390 px; only
"Payment rules" is the current link in the side menu."""

from __future__ import annotations

import pytest

from haat.payments.models import PartialCodRule

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", [1280, 390])
def test_a_refused_partial_cod_rule_shows_the_error_by_its_field(signed_in_page, width):
    page = signed_in_page("manager")
    page.set_viewport_size({"width": width, "height": 900})
    page.goto("/dashboard/payments/rules/")
    current = page.locator('nav a[aria-current="page"]').all_inner_texts()
    assert [text.split("\n")[-1] for text in current] == ["Payment rules"]
    form = page.locator("#partial-rule-form")
    form.locator("input[name=percent]").fill("20")
    form.locator("input[name=min_order_value]").fill("5000")
    form.locator("input[name=max_order_value]").fill("1000")
    form.get_by_role("button", name="Add partial-COD rule").click()
    error = page.locator("#partial-max_order_value-error")
    error.wait_for()
    assert error.inner_text() == "The maximum order value must be above the minimum."
    upto = page.locator("#partial-rule-form input[name=max_order_value]")
    assert upto.input_value() == "1000" and upto.get_attribute("aria-invalid") == "true"
    assert page.locator("#partial-rule-form input[name=min_order_value]").input_value() == "5000"
    assert page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )
    assert not PartialCodRule.objects.exists()
