"""Dashboard forms for the catalog: they parse and shape input, services decide.

Forms only turn text into the types the catalog services take (ids, `Money`, option
lists). Business rules (unique slugs, cycles, prices above zero…) live in the services;
`haat.core.forms.attach_domain_error` shows a service's `DomainError` next to the field it names.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import forms

from haat.catalog.models import Category, Collection, Product
from haat.catalog.validators import MAX_EXPECTED_DAYS, MAX_WEIGHT_GRAMS
from haat.core.errors import DomainError
from haat.core.money import Money

MAX_OPTIONS = 3


def parse_money(value: str, currency: str, *, field: str) -> Money | None:
    """Parse a major-unit amount ("1299.00"); blank means no amount."""
    value = (value or "").strip().replace(",", "")
    if not value:
        return None
    try:
        money = Money.from_decimal(value, currency)
    except DomainError as err:
        raise forms.ValidationError(err.message) from None
    if money.amount < 0:
        raise forms.ValidationError(f"{field} cannot be negative.")
    return money


def category_choices(categories: list[Category] | None = None) -> list[tuple[int, str]]:
    """Categories in tree order, indented by depth, for selects ("— Sarees")."""
    categories = categories if categories is not None else list(Category.objects.all())
    children: dict[int | None, list[Category]] = {}
    for cat in categories:
        children.setdefault(cat.parent_id, []).append(cat)
    out: list[tuple[int, str]] = []

    def walk(parent_id: int | None, depth: int) -> None:
        for cat in children.get(parent_id, []):
            out.append((cat.pk, f"{'— ' * depth}{cat.name}"))
            walk(cat.pk, depth + 1)

    walk(None, 0)
    return out


class ProductForm(forms.Form):
    title = forms.CharField(max_length=200)
    slug = forms.SlugField(
        max_length=220, required=False, help_text="Leave blank to make one from the title."
    )
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 6}))
    brand = forms.CharField(max_length=120, required=False)
    status = forms.ChoiceField(choices=Product.Status.choices, initial=Product.Status.DRAFT)
    availability = forms.ChoiceField(
        choices=Product.Availability.choices, initial=Product.Availability.IN_STOCK
    )
    expected_days = forms.IntegerField(
        min_value=1,
        max_value=MAX_EXPECTED_DAYS,
        required=False,
        help_text="Days until dispatch.",
    )
    seo_title = forms.CharField(
        label="SEO title",
        max_length=70,
        required=False,
        widget=forms.TextInput(attrs={"data-counter": "70"}),
    )
    seo_description = forms.CharField(
        label="SEO description",
        max_length=160,
        required=False,
        widget=forms.Textarea(attrs={"data-counter": "160", "rows": 3}),
    )
    categories = forms.TypedMultipleChoiceField(coerce=int, required=False)
    collections = forms.TypedMultipleChoiceField(coerce=int, required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["categories"].choices = category_choices()
        self.fields["collections"].choices = list(Collection.objects.values_list("pk", "name"))
        for name in ("categories", "collections"):
            self.fields[name].widget.attrs["size"] = 6

    @classmethod
    def initial_for(cls, product: Product) -> dict:
        """Initial data from a product loaded by `selectors.product_detail`."""
        return {
            "title": product.title,
            "slug": product.slug,
            "description": product.description,
            "brand": product.brand,
            "status": product.status,
            "availability": product.availability,
            "expected_days": product.expected_days,
            "seo_title": product.seo_title,
            "seo_description": product.seo_description,
            "categories": [c.pk for c in product.categories.all()],
            "collections": [c.pk for c in product.collections.all()],
        }

    def service_kwargs(self) -> dict:
        """Cleaned data under the catalog service's argument names."""
        data = dict(self.cleaned_data)
        data["category_ids"] = data.pop("categories")
        data["collection_ids"] = data.pop("collections")
        data["slug"] = data["slug"] or None
        return data


class OptionsForm(forms.Form):
    """Up to three options, each a name and comma-separated values ("S, M, L")."""

    def __init__(self, *args, options: list | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        options = list(options or [])
        for i in range(MAX_OPTIONS):
            opt = options[i] if i < len(options) else None
            self.fields[f"name_{i}"] = forms.CharField(
                max_length=50, required=False, initial=opt.name if opt else ""
            )
            self.fields[f"values_{i}"] = forms.CharField(
                required=False, initial=", ".join(opt.values) if opt else ""
            )

    def rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[f"name_{i}"], self[f"values_{i}"]) for i in range(MAX_OPTIONS)]

    def clean(self) -> dict:
        data = super().clean()
        options: list[tuple[str, list[str]]] = []
        for i in range(MAX_OPTIONS):
            name = (data.get(f"name_{i}") or "").strip()
            values = [v.strip() for v in (data.get(f"values_{i}") or "").split(",") if v.strip()]
            if not name and not values:
                continue
            if not name:
                self.add_error(f"name_{i}", "Give this option a name, e.g. Size.")
            elif not values:
                self.add_error(f"values_{i}", f"List the values of {name}, e.g. S, M, L.")
            else:
                options.append((name, values))
        data["options"] = options
        return data


class VariantForm(forms.Form):
    """One variant row; option values are selects built from the product's options."""

    # Bounds as the catalog validators set them, so the inputs carry them too.
    sku = forms.CharField(max_length=64, widget=forms.TextInput({"pattern": r"[A-Za-z0-9._\-]+"}))
    weight_grams = forms.IntegerField(min_value=0, max_value=MAX_WEIGHT_GRAMS, required=False)
    hsn_code = forms.CharField(
        max_length=8,
        min_length=4,
        required=False,
        widget=forms.TextInput({"inputmode": "numeric", "pattern": "[0-9]{4}([0-9]{2}){0,2}"}),
    )
    barcode = forms.CharField(
        max_length=14,
        required=False,
        widget=forms.TextInput({"inputmode": "numeric", "pattern": "[0-9]{8,14}"}),
    )
    cost = forms.CharField(required=False)
    is_active = forms.BooleanField(required=False, initial=True)

    def __init__(
        self,
        *args,
        options: list | None = None,
        currency: str = "INR",
        form_id: str = "",
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.currency = currency
        # Each row's inputs live in table cells and join their <form> by id: existing
        # rows join the editor's one form, the new-variant row its own.
        self.form_id = form_id or f"vf-{self.prefix or 'row'}"
        self.option_names: list[str] = []
        for i, opt in enumerate(options or []):
            self.option_names.append(opt.name)
            self.fields[f"opt_{i}"] = forms.ChoiceField(
                label=opt.name, choices=[("", "—"), *[(v, v) for v in opt.values]]
            )

        for field in self.fields.values():
            field.widget.attrs["form"] = self.form_id
        self.fields["cost"].widget.attrs.update(inputmode="decimal", placeholder="0.00")

    def option_fields(self) -> list[forms.BoundField]:
        return [self[f"opt_{i}"] for i in range(len(self.option_names))]

    def clean_cost(self) -> Money | None:
        return parse_money(self.cleaned_data.get("cost", ""), self.currency, field="Cost")

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "sku": data["sku"].strip(),
            "option_values": {name: data[f"opt_{i}"] for i, name in enumerate(self.option_names)},
            "weight_grams": data["weight_grams"],
            "hsn_code": data["hsn_code"].strip(),
            "barcode": data["barcode"].strip(),
            "cost": data["cost"],
            "is_active": data["is_active"],
        }

    @staticmethod
    def initial_for(variant) -> dict:
        cost = ""
        if variant.cost_amount is not None and variant.cost_currency:
            cost = f"{Money(variant.cost_amount, variant.cost_currency).to_decimal():f}"
        return {
            "sku": variant.sku,
            "weight_grams": variant.weight_grams,
            "hsn_code": variant.hsn_code,
            "barcode": variant.barcode,
            "cost": cost,
            "is_active": variant.is_active,
        }


class ImageUploadForm(forms.Form):
    image = forms.FileField(help_text="JPEG, PNG, WebP or GIF.")
    alt_text = forms.CharField(max_length=200, required=False)


class CategoryForm(forms.Form):
    name = forms.CharField(max_length=120)
    slug = forms.SlugField(max_length=140, required=False)
    parent = forms.TypedChoiceField(coerce=int, required=False, empty_value=None)
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    position = forms.IntegerField(min_value=0, initial=0, required=False)

    def __init__(self, *args, categories: list[Category] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parent"].choices = [
            ("", "— None (top level) —"),
            *category_choices(categories),
        ]

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data["parent_id"] = data.pop("parent")
        data["slug"] = data["slug"] or None
        data["position"] = data["position"] or 0
        return data


class CollectionForm(forms.Form):
    name = forms.CharField(max_length=120)
    slug = forms.SlugField(max_length=140, required=False)
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    is_published = forms.BooleanField(required=False, initial=True, label="Published")

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data["slug"] = data["slug"] or None
        return data


BULK_ACTIONS = [
    ("set_status", "Set status"),
    ("add_category", "Add to category"),
    ("remove_category", "Remove from category"),
    ("add_collection", "Add to collection"),
    ("remove_collection", "Remove from collection"),
    ("change_prices", "Change prices"),
]
PRICE_MODES = [("set", "Set to"), ("percent", "Change by %"), ("amount", "Change by amount")]
ROUNDING = [
    ("none", "No rounding"),
    ("whole", "Whole units"),
    ("end_99", "End in .99"),
    ("end_49_99", "End in .49 / .99"),
]


class BulkActionForm(forms.Form):
    """Which products and what to do with them; the view calls the bulk service."""

    ids = forms.TypedMultipleChoiceField(coerce=int, error_messages={"required": ""})
    action = forms.ChoiceField(choices=BULK_ACTIONS)
    status = forms.ChoiceField(choices=Product.Status.choices, required=False)
    category = forms.TypedChoiceField(coerce=int, required=False, empty_value=None)
    collection = forms.TypedChoiceField(coerce=int, required=False, empty_value=None)
    currency = forms.ChoiceField(required=False)
    mode = forms.ChoiceField(choices=PRICE_MODES, required=False)
    value = forms.CharField(required=False, max_length=20)
    rounding = forms.ChoiceField(choices=ROUNDING, required=False, initial="none")

    def __init__(self, *args, currencies: list[str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", "Category…"), *category_choices()]
        self.fields["collection"].choices = [
            ("", "Collection…"),
            *Collection.objects.values_list("pk", "name"),
        ]
        self.fields["currency"].choices = [(c, c) for c in currencies]
        self.fields["ids"].error_messages["required"] = "Select at least one product."
        # Ids are checked by the services; any integer is a syntactically valid choice.
        self.fields["ids"].valid_value = lambda value: str(value).isdigit()

    _NEEDS = {
        "set_status": ("status",),
        "add_category": ("category",),
        "remove_category": ("category",),
        "add_collection": ("collection",),
        "remove_collection": ("collection",),
        "change_prices": ("currency", "mode", "value"),
    }

    def clean(self) -> dict:
        data = super().clean()
        for name in self._NEEDS.get(data.get("action", ""), ()):
            if data.get(name) in (None, ""):
                self.add_error(name, f"Choose a {name} for this action.")
        if data.get("action") == "change_prices" and data.get("value"):
            try:
                Decimal(data["value"].strip().lstrip("+"))
            except InvalidOperation:
                self.add_error("value", f"'{data['value']}' is not a number.")
        return data

    def summary(self) -> str:
        """A sentence describing the action, for the confirmation step and the flash."""
        data = self.cleaned_data
        action = data["action"]
        if action == "set_status":
            return f"Set status to {Product.Status(data['status']).label}"
        if action in ("add_category", "remove_category"):
            name = dict(self.fields["category"].choices).get(data["category"], "")
            verb = "Add to" if action.startswith("add") else "Remove from"
            return f"{verb} category {str(name).lstrip('— ')}"
        if action in ("add_collection", "remove_collection"):
            name = dict(self.fields["collection"].choices).get(data["collection"], "")
            verb = "Add to" if action.startswith("add") else "Remove from"
            return f"{verb} collection {name}"
        mode = dict(PRICE_MODES)[data["mode"]]
        unit = "%" if data["mode"] == "percent" else f" {data['currency']}"
        rounding = dict(ROUNDING)[data["rounding"] or "none"].lower()
        return f"{data['currency']} prices: {mode.lower()} {data['value']}{unit} ({rounding})"


class ImportForm(forms.Form):
    file = forms.FileField(label="CSV file")
    mode = forms.ChoiceField(
        choices=[
            ("all", "All or nothing: import only if every row is valid"),
            ("partial", "Import valid rows and report the rest"),
        ],
        initial="all",
        widget=forms.RadioSelect,
    )
