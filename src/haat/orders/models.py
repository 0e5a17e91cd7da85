"""Orders, their lines (price snapshots) and the status history.

The public order number is derived from the primary key (`HT-` + 10000 + id): unique and
race-free without a counter row, short enough to read over the phone. Customers reach
their order through `token`, never through the number or the id.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from haat.core.money import Money

NUMBER_PREFIX = "HT-"
NUMBER_OFFSET = 10000


class Order(models.Model):
    class Status(models.TextChoices):
        PENDING_CONFIRMATION = "pending_confirmation", "Awaiting availability check"
        PENDING_PAYMENT = "pending_payment", "Pending payment"
        PAYMENT_FAILED = "payment_failed", "Payment failed"
        CONFIRMED = "confirmed", "Confirmed"
        PROCESSING = "processing", "Processing"
        PACKED = "packed", "Packed"
        PARTIALLY_SHIPPED = "partially_shipped", "Partially shipped"
        SHIPPED = "shipped", "Shipped"
        OUT_FOR_DELIVERY = "out_for_delivery", "Out for delivery"
        PARTIALLY_DELIVERED = "partially_delivered", "Partially delivered"
        DELIVERED = "delivered", "Delivered"
        RETURN_REQUESTED = "return_requested", "Return requested"
        RETURNED = "returned", "Returned"
        RTO = "rto", "Returned to origin"
        CANCELLED = "cancelled", "Cancelled"

    class PaymentType(models.TextChoices):
        PREPAID = "prepaid", "Prepaid"
        COD = "cod", "Cash on delivery"
        PARTIAL_COD = "partial_cod", "Part paid now, rest on delivery"
        RESERVE_AND_PAY = "reserve_and_pay", "Reserve now, pay after confirmation"

    class PaymentStatus(models.TextChoices):
        """Stored for filtering; derived by `haat.orders.lifecycle.money_changed` from the
        payment ledger's totals (reported by `haat.payments.ledger.refresh_payment_status`)."""

        PENDING = "pending", "Pending"
        PARTIALLY_PAID = "partially_paid", "Partially paid"
        PAID = "paid", "Paid"
        PARTIALLY_REFUNDED = "partially_refunded", "Partially refunded"
        REFUNDED = "refunded", "Refunded"
        FAILED = "failed", "Failed"

    token = models.CharField(max_length=32, unique=True)
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="orders"
    )
    currency = models.ForeignKey("core.Currency", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=20, choices=Status.choices)
    payment_type = models.CharField(max_length=20, choices=PaymentType.choices)
    email = models.EmailField(max_length=254)
    phone = models.CharField(max_length=20)
    name = models.CharField(max_length=200, blank=True)
    shipping_address = models.JSONField()
    billing_address = models.JSONField()
    subtotal_amount = models.BigIntegerField()
    shipping_amount = models.BigIntegerField(default=0)
    cod_fee_amount = models.BigIntegerField(default=0)
    express_amount = models.BigIntegerField(default=0)  # express sourcing add-on
    # The shipping chosen at checkout (shipping context's quote), kept as sold: the service,
    # how it read ("Standard delivery · Rest of India") and the delivery dates promised.
    shipping_service = models.CharField(max_length=16, blank=True)
    shipping_label = models.CharField(max_length=200, blank=True)
    delivery_earliest = models.DateField(null=True, blank=True)
    delivery_latest = models.DateField(null=True, blank=True)
    total_amount = models.BigIntegerField()
    # The split of the total: paid online (prepaid, partial-COD advance, reserve & pay)
    # and collected by the courier. Filled from payment_type by save() when not given.
    amount_due_online = models.BigIntegerField(default=0)
    amount_due_on_delivery = models.BigIntegerField(default=0)
    amount_paid = models.BigIntegerField(default=0)  # captures + COD collected (ledger)
    amount_refunded = models.BigIntegerField(default=0)
    # GST, computed at checkout (tax.gst): how it applies (intra_state, inter_state, export,
    # not_registered; "" for orders placed before GST was computed), the delivery state it
    # was decided by, whether the prices included it, the GST + cess of the lines, and the
    # part of it added on top of the prices (all of it when prices excluded tax, else 0).
    tax_treatment = models.CharField(max_length=16, blank=True)
    place_of_supply = models.CharField(max_length=100, blank=True)
    prices_include_tax = models.BooleanField(default=True)
    tax_amount = models.BigIntegerField(default=0)
    tax_added_amount = models.BigIntegerField(default=0)
    payment_status = models.CharField(
        max_length=20, choices=PaymentStatus.choices, default=PaymentStatus.PENDING
    )
    express_sourcing = models.BooleanField(default=False)
    sourcing_due_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.CharField(max_length=300, blank=True)  # shown to the customer
    confirm_by = models.DateTimeField(null=True, blank=True)  # reserve & pay: staff deadline
    # Deadline of an order waiting for payment (checkout hold expiry, or the reserve & pay
    # link's expiry): past it the periodic sweep cancels the order and frees its stock.
    pay_by = models.DateTimeField(null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "-created_at"]),
            models.Index(fields=["email"]),
            models.Index(fields=["phone"]),
            models.Index(fields=["payment_status", "-created_at"]),
            # A customer's orders newest first (profile, last order date of the list).
            models.Index(fields=["customer", "-created_at"], name="order_customer_newest"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(subtotal_amount__gte=0)
                & Q(shipping_amount__gte=0)
                & Q(cod_fee_amount__gte=0)
                & Q(express_amount__gte=0)
                & Q(amount_due_online__gte=0)
                & Q(amount_due_on_delivery__gte=0)
                & Q(amount_paid__gte=0)
                & Q(amount_refunded__gte=0),
                name="order_amounts_non_negative",
            ),
            models.CheckConstraint(
                condition=Q(tax_amount__gte=0)
                & Q(tax_added_amount__gte=0)
                & Q(tax_added_amount__lte=models.F("tax_amount")),
                name="order_tax_amounts",
            ),
            models.CheckConstraint(
                condition=Q(
                    total_amount=models.F("subtotal_amount")
                    + models.F("tax_added_amount")
                    + models.F("shipping_amount")
                    + models.F("cod_fee_amount")
                    + models.F("express_amount")
                ),
                name="order_total_is_sum",
            ),
            models.CheckConstraint(
                condition=Q(
                    total_amount=models.F("amount_due_online") + models.F("amount_due_on_delivery")
                ),
                name="order_split_is_total",
            ),
            models.CheckConstraint(
                condition=Q(amount_refunded__lte=models.F("amount_paid")),
                name="order_refunded_within_paid",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def number(self) -> str:
        return f"{NUMBER_PREFIX}{NUMBER_OFFSET + self.pk}" if self.pk else ""

    @property
    def subtotal(self) -> Money:
        return Money(self.subtotal_amount, self.currency_id)

    @property
    def shipping(self) -> Money:
        return Money(self.shipping_amount, self.currency_id)

    @property
    def total(self) -> Money:
        return Money(self.total_amount, self.currency_id)

    @property
    def balance_due(self) -> Money:
        """What is still owed: the total less what was paid (refunds aside); nothing once
        the order is cancelled."""
        if self.status == self.Status.CANCELLED:
            return Money.zero(self.currency_id)
        return Money(max(self.total_amount - self.amount_paid, 0), self.currency_id)


def pk_from_number(number: str) -> int | None:
    """The primary key behind `HT-10042` (or `10042`), or None when it is not a number."""
    text = (number or "").strip().upper().removeprefix(NUMBER_PREFIX)
    if not text.isdigit() or len(text) > 15:
        return None
    pk = int(text) - NUMBER_OFFSET
    return pk if pk > 0 else None


class OrderLine(models.Model):
    class Availability(models.TextChoices):
        AVAILABLE = "available", "Available"
        UNAVAILABLE = "unavailable", "Unavailable"

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    variant = models.ForeignKey(
        "catalog.Variant", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    sku = models.CharField(max_length=64)
    product_title = models.CharField(max_length=200)
    option_values = models.JSONField(default=dict, blank=True)
    quantity = models.PositiveIntegerField()
    unit_amount = models.BigIntegerField()
    line_amount = models.BigIntegerField()
    # Reserve & pay: staff's answer to "can we source this line?" ("" = not answered yet).
    availability = models.CharField(max_length=12, choices=Availability.choices, blank=True)
    availability_checked_at = models.DateTimeField(null=True, blank=True)
    # Units sold beyond stock (pre-order / backorder) and the date promised for them.
    backordered = models.PositiveIntegerField(default=0)
    ships_on = models.DateField(null=True, blank=True)
    # The line's GST (tax.gst, invoice-level rounding; zero on exports and orders placed
    # before GST was computed): taxable value after discount, the slab and cess rates, and
    # each head's amount. Prices including tax: taxable + the heads = line_amount.
    taxable_amount = models.BigIntegerField(default=0)
    gst_rate = models.PositiveSmallIntegerField(default=0)
    cess_rate = models.DecimalField(max_digits=5, decimal_places=2, default=0)
    cgst_amount = models.BigIntegerField(default=0)
    sgst_amount = models.BigIntegerField(default=0)
    igst_amount = models.BigIntegerField(default=0)
    cess_amount = models.BigIntegerField(default=0)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="order_line_quantity"),
            models.CheckConstraint(
                condition=Q(backordered__lte=models.F("quantity")),
                name="order_line_backordered_within_quantity",
            ),
            models.CheckConstraint(
                condition=Q(taxable_amount__gte=0)
                & Q(cgst_amount__gte=0)
                & Q(sgst_amount__gte=0)
                & Q(igst_amount__gte=0)
                & Q(cess_amount__gte=0),
                name="order_line_tax_non_negative",
            ),
            models.CheckConstraint(
                condition=Q(line_amount=models.F("unit_amount") * models.F("quantity")),
                name="order_line_amount",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.sku}"

    @property
    def tax_amount(self) -> int:
        return self.cgst_amount + self.sgst_amount + self.igst_amount + self.cess_amount

    @property
    def variant_title(self) -> str:
        return " / ".join(str(v) for v in self.option_values.values()) or "Default"


class OrderTransition(models.Model):
    """One status change: who, when, from, to and why (the order's history)."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=20, blank=True)  # "" for the first entry
    to_status = models.CharField(max_length=20)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(max_length=255, blank=True)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.order_id}: {self.from_status or '∅'} -> {self.to_status}"


class OrderNote(models.Model):
    """A note on an order: internal (staff only) or shown to the customer on the tracking
    page. Written by `orders.notes.add_note`; never edited (the timeline is a record)."""

    class Visibility(models.TextChoices):
        INTERNAL = "internal", "Staff only"
        CUSTOMER = "customer", "Shown to the customer"

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="notes")
    visibility = models.CharField(max_length=10, choices=Visibility.choices)
    text = models.TextField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    author_label = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(visibility__in=["internal", "customer"]), name="order_note_visibility"
            )
        ]

    def __str__(self) -> str:
        return f"{self.order_id}: {self.text[:40]}"
