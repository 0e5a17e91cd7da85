"""Payment settings and rules, the order's payments, the transaction ledger and refunds.

The ledger (`PaymentTransaction`) is the truth about money: `Order.amount_paid`,
`amount_refunded` and `payment_status` are recomputed from it. A UNIQUE
(gateway, kind, gateway_reference) makes a replayed webhook unable to count twice.
Amounts are integer minor units; the currency is stored as its ISO code because ledger
rows record what a gateway told us, even when it disagrees with the order.
"""

from __future__ import annotations

import secrets
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q

from haat.core.money import Money


class PaymentType(models.TextChoices):
    PREPAID = "prepaid", "Prepaid"
    COD = "cod", "Cash on delivery"
    PARTIAL_COD = "partial_cod", "Partial COD"
    RESERVE_AND_PAY = "reserve_and_pay", "Reserve & pay"


class PaymentSettings(models.Model):
    """The store's payment settings: one row (pk 1), read through `config.get_settings()`.

    Per-currency amounts are JSON maps of minor units, e.g. `{"INR": 14900, "USD": 300}`;
    a currency missing from a map means "none" (no fee, no minimum, no COD cap).
    """

    prepaid_enabled = models.BooleanField(default=True)
    cod_enabled = models.BooleanField(default=True)
    partial_cod_enabled = models.BooleanField(default=False)
    reserve_and_pay_enabled = models.BooleanField(default=False)
    partial_cod_percent = models.DecimalField(
        max_digits=5, decimal_places=2, default=Decimal("10.00")
    )
    partial_cod_minimum = models.JSONField(default=dict, blank=True)
    cod_fee = models.JSONField(default=dict, blank=True)
    # False: the COD fee is collected by the courier; True: it is added to the advance.
    cod_fee_upfront = models.BooleanField(default=False)
    cod_max_order_value = models.JSONField(default=dict, blank=True)
    express_fee = models.JSONField(default=dict, blank=True)
    reserve_window_hours = models.PositiveIntegerField(default=48)
    # The built-in test gateway serves currencies without a configured real gateway.
    test_gateway_enabled = models.BooleanField(default=True)
    currency_gateways = models.JSONField(default=dict, blank=True)  # {"USD": "stripe"}
    # A payment arriving after its order was cancelled for not being paid in time is
    # refunded; with this on, the order is revived instead when its stock can be taken.
    revive_late_paid_orders = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "payment settings"
        constraints = [
            models.CheckConstraint(condition=Q(id=1), name="payment_settings_singleton"),
            models.CheckConstraint(
                condition=Q(partial_cod_percent__gte=0) & Q(partial_cod_percent__lte=100),
                name="payment_settings_percent_range",
            ),
            models.CheckConstraint(
                condition=Q(reserve_window_hours__gte=1) & Q(reserve_window_hours__lte=720),
                name="payment_settings_reserve_window",
            ),
        ]

    def __str__(self) -> str:
        return "Payment settings"

    def amount(self, field: str, currency: str) -> Money:
        """A per-currency setting as Money (zero when not set for `currency`)."""
        return Money(int(getattr(self, field).get(currency, 0)), currency)

    def enabled(self, payment_type: str) -> bool:
        return bool(getattr(self, f"{payment_type}_enabled"))


class PaymentMethodRule(models.Model):
    """Allow or forbid a payment type for a destination or for what is in the cart.

    Destination rules (state, country): a matching `forbid` forbids; when any `allow`
    rule exists for a type in that dimension, only matching destinations may use it.
    Item rules (category, product): the most specific rule wins (product, then the
    nearest category up the tree); `allow` is an exception to a broader `forbid`.
    """

    class Effect(models.TextChoices):
        ALLOW = "allow", "Allow"
        FORBID = "forbid", "Forbid"

    class Scope(models.TextChoices):
        STATE = "state", "Indian state"
        COUNTRY = "country", "Country"
        CATEGORY = "category", "Category"
        PRODUCT = "product", "Product"

    payment_type = models.CharField(max_length=20, choices=PaymentType.choices)
    effect = models.CharField(max_length=10, choices=Effect.choices)
    scope = models.CharField(max_length=10, choices=Scope.choices)
    state_code = models.CharField(max_length=2, blank=True)  # ISO 3166-2:IN, e.g. "KA"
    country = models.CharField(max_length=2, blank=True)
    category = models.ForeignKey(
        "catalog.Category", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    product = models.ForeignKey(
        "catalog.Product", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    note = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["payment_type", "scope", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(scope="state", country="", category__isnull=True, product__isnull=True)
                    & ~Q(state_code="")
                )
                | (
                    Q(scope="country", state_code="", category__isnull=True, product__isnull=True)
                    & ~Q(country="")
                )
                | Q(
                    scope="category",
                    state_code="",
                    country="",
                    category__isnull=False,
                    product__isnull=True,
                )
                | Q(
                    scope="product",
                    state_code="",
                    country="",
                    category__isnull=True,
                    product__isnull=False,
                ),
                name="payment_rule_one_target",
            ),
            *(
                models.UniqueConstraint(
                    fields=["payment_type", field],
                    condition=Q(scope=scope),
                    name=f"payment_rule_unique_{scope}",
                )
                for scope, field in (
                    ("state", "state_code"),
                    ("country", "country"),
                    ("category", "category"),
                    ("product", "product"),
                )
            ),
        ]

    def __str__(self) -> str:
        return f"{self.effect} {self.payment_type} for {self.target_label}"

    @property
    def target_label(self) -> str:
        if self.scope == self.Scope.STATE:
            return f"state {self.state_code}"
        if self.scope == self.Scope.COUNTRY:
            return f"country {self.country}"
        if self.scope == self.Scope.CATEGORY:
            return f"category {self.category}"
        return f"product {self.product}"


class PartialCodRule(models.Model):
    """The advance for partial COD: `percent` of the order with a `minimum`, for the
    whole store, a category or a product, optionally only for an order-value slab
    [min_order_value, max_order_value) of the subtotal."""

    class Scope(models.TextChoices):
        STORE = "store", "Whole store"
        CATEGORY = "category", "Category"
        PRODUCT = "product", "Product"

    scope = models.CharField(max_length=10, choices=Scope.choices)
    category = models.ForeignKey(
        "catalog.Category", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    product = models.ForeignKey(
        "catalog.Product", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    currency = models.ForeignKey("core.Currency", on_delete=models.PROTECT, related_name="+")
    percent = models.DecimalField(max_digits=5, decimal_places=2)
    minimum_amount = models.BigIntegerField(default=0)
    min_order_value = models.BigIntegerField(default=0)
    max_order_value = models.BigIntegerField(null=True, blank=True)  # exclusive
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["scope", "currency", "min_order_value", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(scope="store", category__isnull=True, product__isnull=True)
                | Q(scope="category", category__isnull=False, product__isnull=True)
                | Q(scope="product", category__isnull=True, product__isnull=False),
                name="partial_cod_rule_one_target",
            ),
            models.CheckConstraint(
                condition=Q(percent__gte=0)
                & Q(percent__lte=100)
                & Q(minimum_amount__gte=0)
                & Q(min_order_value__gte=0)
                & (
                    Q(max_order_value__isnull=True)
                    | Q(max_order_value__gt=models.F("min_order_value"))
                ),
                name="partial_cod_rule_values",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.percent}% (min {self.minimum}) for {self.scope}"

    @property
    def minimum(self) -> Money:
        return Money(self.minimum_amount, self.currency_id)

    @property
    def min_value(self) -> Money:
        return Money(self.min_order_value, self.currency_id)

    @property
    def max_value(self) -> Money | None:
        return (
            None if self.max_order_value is None else Money(self.max_order_value, self.currency_id)
        )

    def covers(self, subtotal: int) -> bool:
        return subtotal >= self.min_order_value and (
            self.max_order_value is None or subtotal < self.max_order_value
        )


def new_token() -> str:
    return secrets.token_urlsafe(24)


# How staff read a gateway code (`Payment.gateway`, `PaymentTransaction.gateway`).
GATEWAY_LABELS = {
    "razorpay": "Razorpay",
    "stripe": "Stripe",
    "test": "Test gateway",
    "cod": "Cash on delivery",
    "manual": "Recorded by staff",
}


def gateway_label(code: str) -> str:
    return GATEWAY_LABELS.get(code, code.replace("_", " ").capitalize())


class Payment(models.Model):
    """One attempt to collect money online for an order (a gateway order / intent / link)."""

    class Purpose(models.TextChoices):
        UPFRONT = "upfront", "Partial-COD advance"
        FULL = "full", "Full payment"
        LINK = "link", "Payment link"

    class Status(models.TextChoices):
        CREATED = "created", "Created"
        PENDING = "pending", "Pending"
        AUTHORIZED = "authorized", "Authorized"
        CAPTURED = "captured", "Captured"
        FAILED = "failed", "Failed"
        EXPIRED = "expired", "Expired"
        CANCELLED = "cancelled", "Cancelled"

    order = models.ForeignKey("orders.Order", on_delete=models.PROTECT, related_name="payments")
    gateway = models.CharField(max_length=20)
    purpose = models.CharField(max_length=10, choices=Purpose.choices)
    amount = models.BigIntegerField()
    currency = models.CharField(max_length=3)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.CREATED)
    gateway_order_id = models.CharField(max_length=100, blank=True, db_index=True)
    gateway_payment_id = models.CharField(max_length=100, blank=True)
    token = models.CharField(max_length=64, unique=True, default=new_token)
    url = models.URLField(max_length=500, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    failure_reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.gateway} {self.purpose} {self.money}"

    @property
    def gateway_label(self) -> str:
        return gateway_label(self.gateway)

    @property
    def money(self) -> Money:
        return Money(self.amount, self.currency)


class PaymentTransaction(models.Model):
    """The append-only money ledger of an order."""

    class Kind(models.TextChoices):
        AUTHORIZATION = "authorization", "Authorization"
        CAPTURE = "capture", "Capture"
        FAILURE = "failure", "Failure"
        REFUND = "refund", "Refund"
        COD_COLLECTED = "cod_collected", "COD collected"
        MISMATCH = "mismatch", "Amount/currency mismatch"

    order = models.ForeignKey(
        "orders.Order", on_delete=models.PROTECT, related_name="payment_transactions"
    )
    payment = models.ForeignKey(
        Payment, null=True, blank=True, on_delete=models.PROTECT, related_name="transactions"
    )
    kind = models.CharField(max_length=15, choices=Kind.choices)
    amount = models.BigIntegerField()
    currency = models.CharField(max_length=3)
    gateway = models.CharField(max_length=20)  # razorpay | stripe | test | cod | manual
    gateway_reference = models.CharField(max_length=120, blank=True)
    raw = models.JSONField(default=dict, blank=True)
    actor_label = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="payment_txn_amount"),
            models.UniqueConstraint(
                fields=["gateway", "kind", "gateway_reference"],
                condition=~Q(gateway_reference=""),
                name="payment_txn_unique_reference",
            ),
        ]
        indexes = [models.Index(fields=["order", "kind"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.amount} {self.currency}"

    @property
    def gateway_label(self) -> str:
        return gateway_label(self.gateway)


class Refund(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        PROCESSED = "processed", "Processed"
        FAILED = "failed", "Failed"
        MANUAL = "manual", "Paid manually"

    class Method(models.TextChoices):
        GATEWAY = "gateway", "Original payment method"
        BANK_TRANSFER = "bank_transfer", "Bank transfer"
        UPI = "upi", "UPI"

    order = models.ForeignKey("orders.Order", on_delete=models.PROTECT, related_name="refunds")
    payment = models.ForeignKey(
        Payment, null=True, blank=True, on_delete=models.PROTECT, related_name="refunds"
    )
    amount = models.BigIntegerField()
    currency = models.CharField(max_length=3)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    method = models.CharField(max_length=15, choices=Method.choices, default=Method.GATEWAY)
    reference = models.CharField(max_length=120, blank=True)  # UTR / UPI ref for manual
    reason = models.CharField(max_length=300)
    lines = models.JSONField(default=list, blank=True)  # [{"line_id", "quantity"}]
    idempotency_key = models.CharField(max_length=255, unique=True)
    gateway_refund_id = models.CharField(max_length=100, blank=True, db_index=True)
    failure_reason = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by_label = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="refund_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"Refund {self.money} ({self.status})"

    @property
    def money(self) -> Money:
        return Money(self.amount, self.currency)

    @property
    def gateway_idempotency_key(self) -> str:
        """Deterministic key for the gateway's idempotency header (Razorpay wants
        10+ chars of [A-Za-z0-9_-]; Stripe up to 255): every retry of this refund sends
        the same key (the format refunds already sent with must keep)."""
        return f"haat-refund-{self.pk}"


class LatePayment(models.Model):
    """Money captured for an order that could not take it (cancelled, typically a slow UPI
    payment after the deadline; or already paid): what happened to it, so the order page
    can say so and staff see what still needs them (`selectors.needs_attention`).

    One row per payment (a replayed webhook cannot add a second). `refund` is the latest
    automatic refund attempt; a failed one stays visible until retried or marked handled.
    """

    class Outcome(models.TextChoices):
        REFUND = "refund", "Refunded automatically"
        REVIVED = "revived", "Order revived"

    order = models.ForeignKey("orders.Order", on_delete=models.PROTECT, related_name="+")
    payment = models.OneToOneField(Payment, on_delete=models.PROTECT, related_name="late")
    amount = models.BigIntegerField()
    currency = models.CharField(max_length=3)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    why = models.CharField(max_length=200)  # "arrived after the order was cancelled"
    refund = models.ForeignKey(
        Refund, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    attempts = models.PositiveIntegerField(default=0)  # refunds opened for it
    handled_at = models.DateTimeField(null=True, blank=True)
    handled_by_label = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="late_payment_amount"),
            models.CheckConstraint(
                condition=Q(outcome="refund") | Q(refund__isnull=True),
                name="late_payment_refund_only_when_refunding",
            ),
        ]

    def __str__(self) -> str:
        return f"Late payment {self.money} ({self.outcome})"

    @property
    def money(self) -> Money:
        return Money(self.amount, self.currency)
