"""The COD remittance report in the merchant's words: order numbers linked to their pages,
amounts as ₹2,146.00, results as phrases (not `unknown_order`, not `2146.00 INR`)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.checkout.helpers import make_variant
from tests.payments.helpers import make_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def variant(db):
    return make_variant(price="1000.00", stock=50)


def test_report_names_orders_and_formats_money(staff_client, variant):
    cod = make_order(variant, payment_type="cod", status="confirmed", unit_amount=214600)
    short = make_order(variant, payment_type="cod", status="confirmed", unit_amount=150000)
    prepaid = make_order(variant, payment_type="prepaid", status="confirmed")
    rows = [
        f"{cod.number},2146.00,AWB-1,2025-02-01",
        f"{short.number},1000.00,AWB-2,2025-02-01",
        "HT-99999,500.00,AWB-3,2025-02-01",
        f"{prepaid.number},1000.00,AWB-4,2025-02-01",
    ]
    upload = SimpleUploadedFile(
        "r.csv", ("order_number,amount,reference,remitted_on\n" + "\n".join(rows)).encode()
    )
    page = staff_client("manager").post(reverse("payments:cod_remittance"), {"file": upload})
    assert page.status_code == 200
    html = page.content.decode()
    report = html.split("<h2>Report</h2>")[1]

    link = reverse("orders:order_detail", args=[cod.number])
    assert f'<a href="{link}">{cod.number}</a>' in report
    assert "₹2,146.00" in report and "2146.00 INR" not in report
    assert "Unknown order" in report and "unknown_order" not in report
    assert "Amount differs" in report and "Not cash on delivery" in report
    due = f"₹{short.total_amount // 100:,}.00"
    assert f"Remitted ₹1,000.00, but {due} is due." in report
    assert '<a href="' not in report.split("HT-99999")[0].rsplit("<tr>", 1)[1]  # no link
    assert 'Recorded</p><p class="stat-value">1</p><p class="stat-sub">₹2,146.00' in report
