"""The dashboard home's order figures: a 30-day chart bucketed by the store's days, per
currency; orders waiting on the team; each figure a link to the list it counts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from haat.core.money import Money
from haat.core.store import update_store
from haat.orders.lifecycle import advance
from haat.orders.models import Order
from haat.orders.selectors import sales_by_day
from tests.checkout.helpers import make_variant
from tests.payments.helpers import make_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def variant(currencies):
    currencies("USD")
    return make_variant(price="1000.00", currency_prices={"USD": "20.00"}, stock=500)


def _placed(order: Order, at: datetime) -> Order:
    Order.objects.filter(pk=order.pk).update(created_at=at)
    return order


def test_chart_buckets_are_the_store_days_per_currency(variant):
    now = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)  # 17:30 on 10 March in India
    # 23:30 IST on 8 March is 18:00 UTC on 8 March; 00:30 IST on 9 March is 19:00 UTC on 8 March.
    _placed(make_order(variant, unit_amount=249900), datetime(2025, 3, 8, 18, 0, tzinfo=UTC))
    _placed(make_order(variant, unit_amount=100000), datetime(2025, 3, 8, 19, 0, tzinfo=UTC))
    _placed(
        make_order(variant, unit_amount=2000, currency="USD"),
        datetime(2025, 3, 9, 10, 0, tzinfo=UTC),
    )
    cancelled = make_order(variant, unit_amount=500000)
    Order.objects.filter(pk=cancelled.pk).update(
        status=Order.Status.CANCELLED, created_at=datetime(2025, 3, 9, 10, 0, tzinfo=UTC)
    )
    _placed(make_order(variant), datetime(2025, 2, 8, 10, 0, tzinfo=UTC))  # 30 days back: out

    inr, usd = sales_by_day(days=30, now=now)

    assert (inr.currency, usd.currency) == ("INR", "USD")  # never added together
    assert len(inr.days) == 30 and inr.days[-1].day.isoformat() == "2025-03-10"
    assert inr.days[0].day.isoformat() == "2025-02-09"
    by_day = {d.day.isoformat(): d for d in inr.days if d.orders}
    assert set(by_day) == {"2025-03-08", "2025-03-09"}  # the IST days, not the UTC one
    assert by_day["2025-03-08"].orders == 1
    assert by_day["2025-03-08"].revenue == Money(249900, "INR")
    assert by_day["2025-03-09"].revenue == Money(100000, "INR")  # the cancelled one left out
    assert [d.revenue.amount for d in usd.days if d.orders] == [2000]
    assert inr.revenue == Money(349900, "INR") and inr.orders == 2


def test_chart_follows_the_store_time_zone(variant):
    update_store(data={"name": "Kesari Lane", "country": "IN", "time_zone": "UTC"})
    _placed(make_order(variant), datetime(2025, 3, 8, 19, 0, tzinfo=UTC))
    [inr] = sales_by_day(days=7, now=datetime(2025, 3, 10, 12, 0, tzinfo=UTC))
    assert [d.day.isoformat() for d in inr.days if d.orders] == ["2025-03-08"]


def test_home_figures_link_to_the_lists_they_count(staff_client, variant):
    waiting = [make_order(variant, status="pending_confirmation") for _ in range(2)]
    make_order(variant, status="pending_payment")
    client = staff_client("owner")
    html = client.get("/dashboard/").content.decode()

    assert 'href="/dashboard/orders/?status=pending_confirmation"' in html
    listed = client.get("/dashboard/orders/?status=pending_confirmation").content.decode()
    assert all(o.number in listed for o in waiting) and "2 orders" in listed
    today = timezone.localdate(Order.objects.first().created_at).isoformat()
    assert f'href="/dashboard/orders/?date_from={today}&amp;date_to={today}"' in html
    for order in waiting:  # listed under "Orders waiting on the team", linked
        assert f'href="/dashboard/orders/{order.number}/"' in html
    assert 'href="/dashboard/catalog/products/?status=active"' in html
    assert 'href="/dashboard/inventory/stock/?state=low"' in html
    assert "Sales, last 30 days" in html and 'data-sales-chart="sales-INR"' in html
    assert "₹3,000.00" in html  # three orders of ₹1,000.00 in the chart's summary


def test_orders_to_process_pack_and_ship_wait_on_the_team_too(staff_client, variant):
    check = make_order(variant, status="pending_confirmation")
    pack = advance(order=make_order(variant, status="confirmed"), to="processing")
    ship = advance(order=make_order(variant, status="confirmed"), to="processing")
    ship = advance(order=ship, to="packed")
    make_order(variant, status="pending_payment")  # waits on the customer, not the team
    html = staff_client("owner").get("/dashboard/").content.decode()
    panel = html[html.index("Orders waiting on the team") :]
    for order in (check, pack, ship):
        assert f'href="/dashboard/orders/{order.number}/"' in panel
    assert "1 to check availability</a>" in panel
    assert 'href="/dashboard/orders/?status=processing">1 to pack</a>' in panel
    assert 'href="/dashboard/orders/?status=packed">1 to ship</a>' in panel
    assert "Pack · placed" in panel and "Ship · placed" in panel
    card = html[html.index("Waiting on the team") : html.index("Orders waiting on the team")]
    assert '<a href="#waiting" title="Orders to check, process, pack or ship">3</a>' in card
    assert "1 to check availability" in card and "1 awaiting the customer" in card


def test_home_query_count_does_not_grow_with_orders(staff_client, variant):
    for _ in range(9):
        make_order(variant, status="pending_confirmation")
    client = staff_client("owner")
    client.get("/dashboard/")  # the cached navigation badge

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/dashboard/").status_code == 200
        return len(ctx.captured_queries)

    few = count()
    for i in range(40):
        order = make_order(
            variant, status="pending_confirmation", currency="USD" if i % 2 else "INR"
        )
        _placed(order, timezone.now() - timedelta(days=i % 20))  # on many days of the chart
    assert count() == few
