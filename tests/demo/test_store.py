"""The demo store's operations: locations, stock and its ledger, thresholds, payment
settings and the orders placed through checkout."""

import io

import pytest
from django.core.management import call_command
from django.db.models import Sum

from haat.catalog.models import Variant
from haat.core.dispatch import dispatch_pending
from haat.customers.models import Customer
from haat.demo import store_data
from haat.inventory.ledger import ledger_differences
from haat.inventory.models import (
    BackorderPolicy,
    Location,
    LowStockThreshold,
    StockLevel,
    StockMovement,
)
from haat.inventory.selectors import (
    available_by_variant,
    low_stock_queryset,
    out_of_stock_queryset,
)
from haat.notifications.models import Message
from haat.orders.customer_selectors import CodSummary, customer_profile
from haat.orders.models import Order
from haat.payments.config import get_settings

pytestmark = pytest.mark.django_db


def _on_hand(prefix: str = "") -> dict[tuple[str, str], int]:
    rows = StockLevel.objects.filter(variant__sku__startswith=prefix).values_list(
        "variant__sku", "location__code", "on_hand"
    )
    return {(sku, code): n for sku, code, n in rows}


def test_two_locations_in_allocation_order(demo):
    rows = list(Location.objects.order_by("priority").values_list("name", "kind", "priority"))
    assert rows == [
        ("Jaipur warehouse", "warehouse", 10),
        ("Johari Bazaar partner shop", "partner_shop", 20),
    ]


def test_every_active_variant_has_stock_except_the_out_of_stock_ones(demo):
    result, printed = demo
    ids = list(Variant.objects.filter(is_active=True).values_list("pk", flat=True))
    available = available_by_variant(ids)
    empty = set(
        Variant.objects.filter(pk__in=[v for v in ids if available[v] == 0]).values_list(
            "sku", flat=True
        )
    )
    beyond = set(BackorderPolicy.objects.values_list("variant__sku", flat=True))
    assert beyond and all(sku.startswith(tuple(store_data.BEYOND_STOCK)) for sku in beyond)
    assert empty == {"KL-TEE-020-S", "KL-TEE-020-M", "KL-TEE-020-L", "KL-TEE-020-XL",
                     "KL-TEE-013-XL"} | beyond  # fmt: skip
    assert set(out_of_stock_queryset().values_list("sku", flat=True)) >= empty
    assert result.stocked_variants == len(ids) - len(empty)
    received = StockMovement.objects.filter(reason="receipt").aggregate(n=Sum("quantity"))["n"]
    assert received == result.units and f"{result.units} units" in printed
    # most variants have 10 to 60 units
    typical = [n for n in available.values() if 10 <= n <= 60]
    assert len(typical) > len(ids) * 3 / 4


def test_low_stock_partner_only_and_split_stock(demo):
    low = set(low_stock_queryset().values_list("sku", flat=True))
    assert set(store_data.LOW_STOCK) <= low
    # a threshold above the default makes a well-stocked bestseller "low"
    assert (
        "KL-KUR-002-L" in low
        and LowStockThreshold.objects.get(variant__sku="KL-KUR-002-L").threshold == 20
    )
    assert LowStockThreshold.objects.count() == len(store_data.THRESHOLDS)
    prints = _on_hand("KL-PRT-")
    assert prints and {code for _, code in prints} == {"johari-bazaar"}
    kurta = _on_hand("KL-KUR-002-")
    assert kurta[("KL-KUR-002-S", "jaipur-warehouse")] == 8
    assert kurta[("KL-KUR-002-S", "johari-bazaar")] == 6
    write_off = StockMovement.objects.get(variant__sku="KL-TEE-013-XL", reason="write_off")
    assert write_off.quantity == -6


def test_on_hand_equals_the_ledger_everywhere(demo):
    assert ledger_differences() == []
    out = io.StringIO()
    call_command("verify_stock_ledger", stdout=out)  # raises CommandError(1) otherwise
    assert "ledger consistent" in out.getvalue()
    assert StockLevel.objects.filter(reserved__gt=0).count() == 0  # COD sold, nothing held


def test_payment_settings(demo):
    cfg = get_settings()
    assert (cfg.prepaid_enabled, cfg.cod_enabled, cfg.partial_cod_enabled) == (True,) * 3
    assert cfg.reserve_and_pay_enabled and cfg.reserve_window_hours == 48
    assert str(cfg.partial_cod_percent) == "20.00"
    assert cfg.partial_cod_minimum == {"INR": 9900, "USD": 300, "EUR": 300}
    assert cfg.cod_fee == {"INR": 4900}
    assert cfg.cod_max_order_value == {"INR": 1_000_000}
    assert cfg.express_fee == {"INR": 14900, "USD": 500, "EUR": 500}
    assert cfg.test_gateway_enabled


def test_demo_orders_were_placed_through_checkout_and_sold_stock(demo):
    result, _ = demo
    orders = list(Order.objects.prefetch_related("lines"))
    assert result.orders == len(orders) == len(store_data.ORDERS)
    assert result.skipped_orders == ()
    assert {o.payment_type for o in orders} == {"cod"}
    # at different stages of the pipeline, as staff would have moved them (and one the
    # support team cancelled)
    assert sorted(o.status for o in orders) == [
        "cancelled",
        "delivered",
        "delivered",
        "processing",
        "shipped",
    ]
    assert {o.email for o in orders} == {o.email for o in store_data.ORDERS}
    sales = StockMovement.objects.filter(reason="sale")
    assert {m.reference for m in sales} == {o.number for o in orders}
    assert sum(m.quantity for m in sales) == -sum(q for o in store_data.ORDERS for _, q in o.lines)
    # 4 of the M kurta: 3 at the warehouse (all it had), 1 from the partner shop
    split = dict(
        sales.filter(variant__sku="KL-KUR-002-M").values_list("location__code", "quantity")
    )
    assert split == {"jaipur-warehouse": -3, "johari-bazaar": -1}


def test_demo_customers_have_a_history(demo):
    """Profiles worth opening: a returning customer with cash collected and notes, a
    cancellation by the support team with its reason."""
    priya = customer_profile(Customer.objects.get(email="priya.sharma@example.com").pk)
    assert priya.order_count == 2 and priya.customer.addresses.count() == 2
    assert priya.cod_summary == CodSummary(orders=2, collected=1, awaiting=1, cancelled=0)
    assert len(priya.customer.notes.all()) == 2
    assert {n.author_name for n in priya.customer.notes.all()} == {"Rahul Verma"}
    rohan = customer_profile(Customer.objects.get(email="rohan.gupta@example.com").pk)
    [cancelled] = rohan.cancellations
    assert cancelled.by == "Rahul Verma" and "wedding" in cancelled.reason
    assert rohan.spent == [] and rohan.cod_summary.cancelled == 1
    assert cancelled.order.cancel_reason == "Cancelled at your request."


def test_gst_rates_are_plausible(demo):
    from haat.catalog.models import Variant
    from haat.demo import catalog_data
    from haat.tax.selectors import effective_rates

    variants = list(Variant.objects.select_related("product"))
    rates = effective_rates([v.pk for v in variants])
    by_kind: dict[str, set[int]] = {}
    for variant in variants:
        codes = catalog_data.KINDS.items()
        kind = next(k for k, v in codes if variant.sku.startswith(f"KL-{v.code}-"))
        by_kind.setdefault(kind, set()).add(rates[variant.pk].rate)
        if kind in ("kurta", "tshirt", "stole"):
            item = next(i for i in catalog_data.ITEMS if i.title == variant.product.title)
            expected = 12 if item.prices["INR"] > catalog_data.APPAREL_LOW_RATE_UP_TO else 5
            assert rates[variant.pk].rate == expected, variant.sku
    assert by_kind["mug"] == {12} and by_kind["print"] == {12} and by_kind["magnet"] == {18}
    # Both apparel rates occur: T-shirts up to ₹1,000 at 5 %, kurtas above it at 12 %.
    assert by_kind["tshirt"] | by_kind["kurta"] | by_kind["stole"] == {5, 12}


def test_demo_orders_at_later_stages_have_shipments_the_customer_can_follow(demo, client):
    from haat.fulfillment.models import Shipment

    shipped = Order.objects.get(status="shipped")
    parcel = Shipment.objects.get(order=shipped)
    assert (parcel.courier.code, parcel.status) == ("delhivery", "shipped")
    # shipped from where its stock was sold
    sold_from = set(
        StockMovement.objects.filter(reference=shipped.number, reason="sale").values_list(
            "location_id", flat=True
        )
    )
    assert parcel.location_id in sold_from
    page = client.get(f"/track/{shipped.token}").content.decode()
    assert "delhivery.com/track-v2/package/28930410062451" in page
    delivered = Order.objects.filter(status="delivered").first()
    assert Shipment.objects.get(order=delivered).delivered_at is not None
    assert "security desk" in client.get(f"/track/{delivered.token}").content.decode()


def test_demo_messages_do_not_fail_for_channels_nobody_set_up(demo):
    """The demo sets up neither SMS nor WhatsApp: their rules ship off, so the demo's failed
    list is not filled with "not set up" messages; its COD orders are asked by e-mail."""
    for _ in range(20):  # the worker's job: every event the demo emitted (100 a batch)
        if not dispatch_pending():
            break
    messages = Message.objects.all()
    assert messages.filter(channel="email").exists()
    assert not messages.filter(channel__in=["sms", "whatsapp"]).exists()
    assert not messages.filter(status="failed", error__icontains="not set up").exists()
    cod_numbers = {o.number for o in Order.objects.filter(payment_type="cod")}
    assert cod_numbers
    asked = set(
        messages.filter(template_key="cod_confirmation", channel="email").values_list(
            "order_number", flat=True
        )
    )
    assert asked == cod_numbers
