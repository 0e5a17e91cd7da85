"""The customers list and the customer profile in the dashboard: search, money spent per
currency (cancelled orders not counted), COD outcomes, cancellations, notes, permissions,
and a constant number of queries however many customers a page shows."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from haat.core.models import AuditLogEntry
from haat.core.selectors import audit_lines
from haat.customers.models import CustomerNote
from haat.orders.models import Order
from tests.customers import builders as b

pytestmark = pytest.mark.django_db

LIST = "/dashboard/customers/"


def profile_url(who) -> str:
    return f"/dashboard/customers/{who.pk}/"


def test_the_list_speaks_the_merchants_language(staff_client, meera):
    page = staff_client("support").get(LIST).content.decode()
    assert "Meera Iyer" in page and "meera@example.in" in page and "+91 98450 12345" in page
    # Spent: the three confirmed INR orders (the cancelled ₹700.00 is not), and USD apart.
    assert "₹4,199.00" in page and "$45.00" in page
    assert "₹4,899.00" not in page
    assert f'href="{profile_url(meera)}"' in page


@pytest.mark.parametrize(
    "q",
    [
        "Meera",
        "iyer",
        "meera@ex",
        "MEERA@EXAMPLE.IN",
        "98450 12345",
        "+91-98450-12345",
        "9845012345",
        "12345",
        "450-12345",
    ],
)
def test_search_by_name_email_or_phone_as_people_type_it(staff_client, meera, variant, q):
    other = b.customer("ravi@example.in", "9000000001", "Ravi Kumar")
    b.order(other, variant)
    page = staff_client("support").get(LIST, {"q": q}).content.decode()
    assert "Meera Iyer" in page and "Ravi Kumar" not in page, q


def test_search_that_finds_nobody_says_so(staff_client, meera):
    page = staff_client("support").get(LIST, {"q": "nobody-here"}).content.decode()
    assert "No customer matches" in page and "Meera" not in page


def test_the_list_page_costs_the_same_for_1_or_30_customers(
    staff_client, variant, django_assert_num_queries
):
    client = staff_client("support")

    def add(n: int) -> None:
        for i in range(n):
            who = b.customer(f"c{i}-{n}@example.in", f"90000{n:02d}{i:03d}", f"Customer {i}")
            b.order(who, variant)
            b.order(who, variant, currency="INR", payment_type="prepaid")

    add(1)
    client.get(LIST)  # session and user loaded once, as on any page
    with CaptureQueriesContext(connection) as one:
        assert client.get(LIST).status_code == 200
    add(29)
    # session, user, count, the page of customers, their money spent
    with django_assert_num_queries(len(one.captured_queries)):
        page = client.get(LIST).content.decode()
    assert page.count("/dashboard/customers/") >= 30
    assert len(one.captured_queries) <= 6, [q["sql"] for q in one.captured_queries]


def test_profile_shows_orders_money_cod_and_cancellations(staff_client, meera):
    page = staff_client("support").get(profile_url(meera)).content.decode()
    numbers = list(Order.objects.filter(customer_id=meera.pk).order_by("id"))
    for o in numbers:
        assert f"/dashboard/orders/{o.number}/" in page
    assert "₹4,199.00" in page and "$45.00" in page
    assert "Cash collected" in page and "₹1,200.00 due on delivery" in page
    assert "Cancelled before delivery" in page
    assert "by Asha Owner" in page and "Customer asked to cancel" in page
    assert "12 Residency Road" in page and "India" in page
    # Statuses in words, never codes.
    assert "Confirmed" in page and "Cancelled" in page and "pending_payment" not in page
    assert ">cod<" not in page and "Cash on delivery" in page


def test_profile_query_count_does_not_grow_with_orders(
    staff_client, meera, variant, django_assert_max_num_queries
):
    client = staff_client("support")
    client.get(profile_url(meera))
    for _ in range(10):
        b.cancel(b.order(meera, variant), "changed mind")
    with django_assert_max_num_queries(12):
        assert client.get(profile_url(meera)).status_code == 200


def test_a_note_is_added_with_author_and_time(make_staff, client, meera):
    support = make_staff("support", full_name="Rahul Verma")
    client.force_login(support)
    r = client.post(f"{profile_url(meera)}notes/", {"body": "  Prefers calls after 6 pm.  "})
    assert r.status_code == 302
    note = CustomerNote.objects.get()
    assert (note.body, note.author, note.customer_id) == (
        "Prefers calls after 6 pm.",
        support,
        meera.pk,
    )
    page = client.get(profile_url(meera)).content.decode()
    assert "Prefers calls after 6 pm." in page and "Rahul Verma" in page


def test_an_empty_note_is_refused_inline_and_nothing_is_written(staff_client, meera):
    r = staff_client("support").post(f"{profile_url(meera)}notes/", {"body": "   "})
    assert r.status_code == 422
    page = r.content.decode()
    assert 'id="note-errors"' in page and "Meera Iyer" in page
    assert not CustomerNote.objects.exists()
    too_long = staff_client("support").post(f"{profile_url(meera)}notes/", {"body": "x" * 2001})
    assert too_long.status_code == 422 and 'id="note-errors"' in too_long.content.decode()
    assert not CustomerNote.objects.exists()


def test_roles(staff_client, meera):
    assert staff_client("marketing").get(LIST).status_code == 403
    assert staff_client("marketing").get(profile_url(meera)).status_code == 403
    fulfilment = staff_client("fulfilment")
    assert fulfilment.get(profile_url(meera)).status_code == 200
    assert "Add note" not in fulfilment.get(profile_url(meera)).content.decode()
    r = fulfilment.post(f"{profile_url(meera)}notes/", {"body": "hi"})
    assert r.status_code == 403 and not CustomerNote.objects.exists()
    assert "Add note" in staff_client("support").get(profile_url(meera)).content.decode()


def test_unknown_customer_is_a_404_page(staff_client, db):
    assert staff_client("support").get("/dashboard/customers/999999/").status_code == 404
    r = staff_client("support").post("/dashboard/customers/999999/notes/", {"body": "x"})
    assert r.status_code == 404 and not CustomerNote.objects.exists()


def test_the_order_page_links_the_customer_to_the_profile(staff_client, meera):
    o = Order.objects.filter(customer_id=meera.pk).first()
    page = staff_client("support").get(f"/dashboard/orders/{o.number}/").content.decode()
    assert f'href="{profile_url(meera)}"' in page
    orders_list = staff_client("support").get("/dashboard/orders/").content.decode()
    assert f'href="{profile_url(meera)}"' in orders_list


def test_a_note_reads_in_words_in_the_audit_log(make_staff, client, meera):
    support = make_staff("support", full_name="Rahul Verma")
    client.force_login(support)
    client.post(f"{profile_url(meera)}notes/", {"body": "Call after 6 pm."})
    entry = AuditLogEntry.objects.select_related("actor").get(action="customer.note_added")
    [line] = audit_lines([entry])
    assert line.who == "Rahul Verma"
    assert line.sentence == f'added a note about <a href="{profile_url(meera)}">Meera Iyer</a>'
    assert line.details == ["Note: Call after 6 pm."]
