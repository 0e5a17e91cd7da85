"""Products, variants, per-currency prices, categories, collections and images."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q


def option_title(option_values: dict | None) -> str:
    """A variant's name from its option values ("M / Indigo"), "Default" without any."""
    return " / ".join(str(v) for v in (option_values or {}).values()) or "Default"


class Category(models.Model):
    """A node of the category tree (adjacency list; trees here are small)."""

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=140, unique=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    description = models.TextField(blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return self.name


class Collection(models.Model):
    """A hand-picked, ordered set of products ("Diwali gifts", "Bestsellers")."""

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=140, unique=True)
    description = models.TextField(blank=True)
    is_published = models.BooleanField(default=True)
    products = models.ManyToManyField(
        "Product", through="CollectionProduct", related_name="collections", blank=True
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Product(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        ACTIVE = "active", "Active"
        ARCHIVED = "archived", "Archived"

    class Availability(models.TextChoices):
        IN_STOCK = "in_stock", "In stock"
        SHIPS_2_3_DAYS = "ships_2_3_days", "Ships in 2–3 days"
        SHIPS_4_7_DAYS = "ships_4_7_days", "Ships in 4–7 days"
        PRE_ORDER = "pre_order", "Pre-order"
        UNAVAILABLE = "unavailable", "Temporarily unavailable"

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=220, unique=True)
    description = models.TextField(blank=True)
    brand = models.CharField(max_length=120, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    availability = models.CharField(
        max_length=20, choices=Availability.choices, default=Availability.IN_STOCK
    )
    # Days until dispatch for pre-orders and made-to-order goods; shown to customers.
    expected_days = models.PositiveSmallIntegerField(null=True, blank=True)
    seo_title = models.CharField(max_length=70, blank=True)
    seo_description = models.CharField(max_length=160, blank=True)
    categories = models.ManyToManyField(Category, related_name="products", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "-created_at"]),
            models.Index(fields=["status", "title"]),
            models.Index(fields=["status", "availability"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(expected_days__isnull=True) | Q(expected_days__lte=365),
                name="product_expected_days_range",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class CollectionProduct(models.Model):
    collection = models.ForeignKey(Collection, on_delete=models.CASCADE)
    product = models.ForeignKey(Product, on_delete=models.CASCADE)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["collection", "product"], name="collection_product")
        ]

    def __str__(self) -> str:
        return f"{self.collection_id}:{self.product_id}"


class ProductOption(models.Model):
    """An option type of one product (Size, Colour) with its ordered values."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="options")
    name = models.CharField(max_length=50)
    values = models.JSONField(default=list)  # ["S", "M", "L"]
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["product", "name"], name="product_option_name")
        ]

    def __str__(self) -> str:
        return self.name


class Variant(models.Model):
    """A sellable unit (one size/colour of a product), identified by its SKU."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="variants")
    sku = models.CharField(max_length=64, unique=True)
    # {"Size": "M", "Colour": "Indigo"}; keys and values must exist in the product's options.
    option_values = models.JSONField(default=dict, blank=True)
    weight_grams = models.PositiveIntegerField(null=True, blank=True)
    hsn_code = models.CharField(max_length=8, blank=True)
    barcode = models.CharField(max_length=14, blank=True)  # GTIN-8/12/13/14
    # Cost in the store's default currency, minor units (for margin and stock value).
    cost_amount = models.BigIntegerField(null=True, blank=True)
    cost_currency = models.CharField(max_length=3, blank=True)
    position = models.PositiveIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(cost_amount__isnull=True) | Q(cost_amount__gte=0),
                name="variant_cost_non_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.sku

    @property
    def title(self) -> str:
        return option_title(self.option_values)


class VariantPrice(models.Model):
    """The seller's price for one variant in one currency. No exchange rates anywhere."""

    variant = models.ForeignKey(Variant, on_delete=models.CASCADE, related_name="prices")
    currency = models.ForeignKey("core.Currency", on_delete=models.PROTECT, related_name="+")
    amount = models.BigIntegerField()  # minor units
    compare_at_amount = models.BigIntegerField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["variant", "currency"], name="one_price_per_currency"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="price_non_negative"),
            models.CheckConstraint(
                condition=Q(compare_at_amount__isnull=True) | Q(compare_at_amount__gt=F("amount")),
                name="compare_at_above_price",
            ),
        ]
        indexes = [models.Index(fields=["currency", "amount"])]

    def __str__(self) -> str:
        return f"{self.variant_id} {self.amount} {self.currency_id}"


class ProductPriceRange(models.Model):
    """Lowest and highest active-variant price of a product per currency.

    Derived from VariantPrice by `catalog.pricing.refresh_price_ranges()` in the same
    transaction as every price write; it exists so the storefront list can filter and
    sort by price with one indexed join instead of aggregating 50,000 variant prices.
    """

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="price_ranges")
    currency = models.ForeignKey("core.Currency", on_delete=models.CASCADE, related_name="+")
    min_amount = models.BigIntegerField()
    max_amount = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["product", "currency"], name="one_range_per_currency")
        ]
        indexes = [models.Index(fields=["currency", "min_amount"])]

    def __str__(self) -> str:
        return f"{self.product_id} {self.currency_id} {self.min_amount}-{self.max_amount}"


class PriceHistory(models.Model):
    """Every price change: who, when, old and new (amounts in minor units)."""

    variant = models.ForeignKey(Variant, on_delete=models.CASCADE, related_name="price_history")
    currency = models.CharField(max_length=3)
    old_amount = models.BigIntegerField(null=True, blank=True)
    new_amount = models.BigIntegerField(null=True, blank=True)
    old_compare_at_amount = models.BigIntegerField(null=True, blank=True)
    new_compare_at_amount = models.BigIntegerField(null=True, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    changed_by_label = models.CharField(max_length=255, blank=True)
    changed_at = models.DateTimeField(auto_now_add=True)
    source = models.CharField(max_length=32, default="editor")  # editor, bulk, import, api

    class Meta:
        ordering = ["-changed_at", "-id"]
        indexes = [models.Index(fields=["variant", "-changed_at"])]

    def __str__(self) -> str:
        return f"{self.variant_id} {self.currency}: {self.old_amount} -> {self.new_amount}"


class ProductImage(models.Model):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="images")
    image = models.ImageField(
        upload_to="products/%Y/%m/", width_field="width", height_field="height"
    )
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    alt_text = models.CharField(max_length=200, blank=True)
    position = models.PositiveIntegerField(default=0)
    # {"160": "products/renditions/…-160.webp", "480": …, "960": …}; made on upload.
    renditions = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.alt_text or self.image.name
