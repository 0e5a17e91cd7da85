"""The front-door registry: what contexts declare, the order the front doors read it in, and
the clashes it refuses."""

from __future__ import annotations

import ast
from pathlib import Path
from types import ModuleType

import pytest
from django.apps import apps
from django.core.exceptions import AppRegistryNotReady, ImproperlyConfigured

from haat.core import registry
from haat.core.audit_words import AuditWords, ObjectKind
from haat.core.registry import (
    Contribution,
    HomeWidget,
    NavEntry,
    Pages,
    SearchSource,
    contributions,
    home_widgets,
    nav_entries,
    register,
    search_sources,
)

SRC = Path(registry.__file__).resolve().parents[1]


@pytest.fixture
def scratch_registry(monkeypatch) -> None:
    """Registrations made by the test are forgotten after it."""
    monkeypatch.setattr(registry, "_registry", dict(registry._registry))


def _nav(label: str, url_name: str, section: str, order: int) -> NavEntry:
    return NavEntry(label, url_name, None, section, "·", order=order)


def test_contributions_follow_installed_apps_order():
    installed = [config.label for config in apps.get_app_configs()]
    labels = [c.label for c in contributions()]
    assert labels == [label for label in installed if label in labels]
    for label in ("core", "accounts", "catalog", "inventory", "checkout", "orders"):
        assert label in labels
    assert {"payments", "gateways"} <= set(labels)


def test_a_contribution_counts_only_while_its_app_is_installed(scratch_registry, monkeypatch):
    ghost = Contribution(label="catalog", nav=(_nav("Ghost", "ghost:page", "Ghosts", 1),))
    register(ghost)
    assert ghost in contributions()
    real = {c.label: c for c in contributions()}
    monkeypatch.setattr(
        apps,
        "get_app_configs",
        lambda: [a for a in apps.app_configs.values() if a.label != "catalog"],
    )
    assert ghost not in contributions()
    assert [c.label for c in contributions()] == [label for label in real if label != "catalog"]


def test_unknown_label_is_refused(scratch_registry):
    with pytest.raises(LookupError):
        register(Contribution(label="no_such_app"))


@pytest.mark.parametrize(
    "clash",
    [
        Contribution(label="customers", dashboard=Pages(ModuleType("x"), namespace="catalog")),
        Contribution(label="customers", public=Pages(ModuleType("x"), namespace="paypage")),
        Contribution(label="customers", dashboard=Pages(ModuleType("x"), namespace="dashboard")),
        Contribution(label="customers", nav=(_nav("Again", "orders:order_list", "Sales", 1),)),
        Contribution(
            label="customers",
            widgets=(HomeWidget("stock", "x.html", lambda user: None, None, order=1),),
        ),
        Contribution(
            label="customers",
            nav=(_nav("One", "customers:list", "C", 1), _nav("Two", "customers:list", "C", 2)),
        ),
        Contribution(label="customers", audit=AuditWords(phrases={"order.cancel": "did {object}"})),
        Contribution(
            label="customers", audit=AuditWords(kinds=(ObjectKind("catalog.variant", "variant"),))
        ),
        Contribution(
            label="customers",
            search=(SearchSource("Orders", lambda q, n: [], None, "x:x", order=1),),
        ),
    ],
    ids=[
        "dashboard namespace",
        "public namespace",
        "reserved",
        "nav url",
        "widget name",
        "twice in one",
        "audit action",
        "audit object type",
        "search kind",
    ],
)
def test_clashes_are_refused(scratch_registry, clash):
    with pytest.raises(ImproperlyConfigured, match=r"customers: the .* is already taken"):
        register(clash)
    assert "customers" not in {c.label for c in contributions()}


def test_registering_again_replaces(scratch_registry):
    register(Contribution(label="customers", nav=(_nav("A", "customers:a", "C", 1),)))
    register(Contribution(label="customers", nav=(_nav("B", "customers:a", "C", 1),)))
    assert [e.label for e in nav_entries() if e.url_name == "customers:a"] == ["B"]


def test_nav_keeps_each_section_together(scratch_registry):
    # A late entry in an early section joins its section; sections keep their first place.
    register(
        Contribution(
            label="customers",
            nav=(_nav("Customers", "customers:list", "Sales", 950), _nav("X", "x:x", "Zeta", 50)),
        )
    )
    entries = nav_entries()
    sections = [e.section for e in entries]
    assert sections == sorted(sections, key=sections.index)  # contiguous
    assert sections[0] == "Zeta"
    sales = [e.label for e in entries if e.section == "Sales"]
    assert sales == [
        "Orders",
        "Customers",
        "Late payments",
        "COD remittance",
        "Messages",
        "COD to confirm",
        "Customers",
    ]


def test_the_installed_navigation_and_widgets():
    assert [(e.section, e.label) for e in nav_entries()] == [
        ("Sales", "Orders"),
        ("Sales", "Customers"),
        ("Sales", "Late payments"),
        ("Sales", "COD remittance"),
        ("Sales", "Messages"),
        ("Sales", "COD to confirm"),
        ("Inventory", "Stock"),
        ("Inventory", "Low stock"),
        ("Inventory", "Locations"),
        ("Catalog", "Products"),
        ("Catalog", "Categories"),
        ("Catalog", "Collections"),
        ("Catalog", "Import / export"),
        ("Settings", "Store details"),
        ("Settings", "Tax (GST)"),
        ("Settings", "Payments"),
        ("Settings", "Gateways"),
        ("Settings", "Shipping"),
        ("Settings", "Payment rules"),
        ("Settings", "Message rules"),
        ("Settings", "Message templates"),
        ("Settings", "Currencies"),
        ("Settings", "Staff"),
        ("Settings", "API keys"),
        ("Settings", "Roles"),
        ("Settings", "Audit log"),
        ("Settings", "E-mail log"),
    ]
    widgets = [(w.slot, w.name) for w in home_widgets()]
    assert [name for slot, name in widgets if slot == "cards"] == ["orders", "stock", "catalog"]
    assert [name for slot, name in widgets if slot == "panels"] == [
        "sales_chart",
        "orders_waiting",
        "products_without_price",
        "recent_activity",
    ]


def test_front_doors_are_not_built_before_every_app_is_ready(monkeypatch):
    monkeypatch.setattr(apps, "ready", False)
    with pytest.raises(AppRegistryNotReady):
        contributions()


def _haat_imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return {n for n in names if n.startswith("haat")}


def test_the_registry_imports_no_context():
    assert _haat_imports(SRC / "core" / "registry.py") == set()


def test_front_doors_name_no_context():
    """The API, the URLs, the navigation and the home page read the registry: none of them
    imports a context, only the kernel (registry, errors, health view, store details) and
    the front doors' own modules."""
    doors = [SRC / "urls.py", SRC / "api" / "api.py", *sorted((SRC / "dashboard").glob("*.py"))]
    kernel = {
        "haat",
        "haat.core.registry",
        "haat.core.errors",
        "haat.core.views",
        "haat.core.store",
    }
    for path in doors:
        for name in _haat_imports(path):
            assert name in kernel or name.startswith(("haat.api.", "haat.dashboard")), (
                path.name,
                name,
            )


def test_the_installed_search_sources():
    """The dashboard's search box asks these, in this order, each behind its permission."""
    assert [(s.kind, s.perm, s.more_url_name) for s in search_sources()] == [
        ("Orders", "orders.view", "orders:order_list"),
        ("Customers", "customers.view", "orders:customer_list"),
        ("Products", "catalog.view", "catalog:product_list"),
    ]
