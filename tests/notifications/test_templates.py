"""Template validation (unknown variables, unsafe constructs, syntax), sandboxing, preview
and versioning."""

from __future__ import annotations

import pytest

from haat.core.errors import ValidationError
from haat.notifications.models import Template, TemplateRevision
from haat.notifications.services import preview, save_template

pytestmark = pytest.mark.django_db


def _template() -> Template:
    return Template.objects.get(key="order_placed", channel="email", language="en")


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ("Hello {{ custmer_name }}", "unknown variable: custmer_name"),
        ("{{ ''.__class__.__mro__ }}", "cannot be rendered"),
        ("{{ lines.__class__ }}", "cannot be rendered"),
        ("{% include 'x.html' %}", "{% include %}"),
        ("{% import 'x' as y %}", "{% import %}"),
        ("Hello {{ customer_name ", "syntax error on line 1"),
        ("{{ order_total|nosuchfilter }}", "No filter named 'nosuchfilter'"),
        ("   ", "The message is empty."),
    ],
)
def test_bad_templates_are_refused_with_a_clear_sentence(defaults, body, problem):
    template = _template()
    with pytest.raises(ValidationError) as caught:
        save_template(template_id=template.pk, subject="Hi", body=body)
    assert caught.value.code == "template_invalid"
    assert problem in caught.value.message
    assert caught.value.details["problems"]
    template.refresh_from_db()
    assert template.version == 1  # nothing saved


def test_saving_bumps_the_version_and_keeps_the_old_words(defaults):
    template = _template()
    old_body = template.body
    saved = save_template(
        template_id=template.pk,
        subject="Order {{ order_number }} received",
        body="Hi {{ customer_name }}, {{ order_total }} for {{ order_number }}.",
        author="owner@example.in",
    )
    assert saved.version == 2
    revision = TemplateRevision.objects.get(template=template)
    assert (revision.version, revision.body) == (1, old_body)
    again = save_template(template_id=template.pk, subject=saved.subject, body=saved.body)
    assert again.version == 2  # unchanged words: no new version


def test_preview_renders_the_sample_order(defaults):
    shown = preview(
        event_type="order.placed",
        subject="{{ store_name }}: {{ order_number }}",
        body="{% for line in lines %}{{ line.title }} × {{ line.quantity }}{% endfor %}",
    )
    assert shown.subject.endswith(": HT-10042")
    assert shown.body == "Indigo kurta (M) × 2"
