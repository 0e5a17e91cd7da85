"""Orders is the only writer of orders (docs/architecture.md, who owns what).

Read the source of every module outside `haat/orders/` and fail on anything that writes
an order row: a queryset write on `Order`, `OrderLine` or `OrderTransition`, a plain-SQL
insert into them, their table named in SQL, or a status move. Payments and the others
report facts to `orders.lifecycle` instead.
"""

from __future__ import annotations

import ast
from pathlib import Path

import haat

SRC = Path(haat.__file__).parent
ORDER_MODELS = {"Order", "OrderLine", "OrderTransition"}
QUERYSET_WRITES = {
    "update",
    "delete",
    "create",
    "bulk_create",
    "bulk_update",
    "get_or_create",
    "update_or_create",
}
SQL_WRITES = {"insert_rows", "insert_statement", "insert_from"}
TABLES = ("orders_order", "orders_orderline", "orders_ordertransition")


def _chain(node: ast.AST) -> list[str]:
    """`Order.objects.filter(...).update` -> ["Order", "objects", "filter", "update"]."""
    names: list[str] = []
    while True:
        if isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, ast.Attribute):
            names.append(node.attr)
            node = node.value
        elif isinstance(node, ast.Name):
            names.append(node.id)
            return names[::-1]
        else:
            return names[::-1]


def _writes(tree: ast.AST) -> list[str]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            chain = _chain(node.func)
            if (
                len(chain) >= 3
                and chain[0] in ORDER_MODELS
                and chain[1] == "objects"
                and chain[-1] in QUERYSET_WRITES
            ):
                found.append(".".join(chain))
            if chain and chain[-1] in SQL_WRITES:
                first = node.args[0] if node.args else None
                if isinstance(first, ast.Name) and first.id in ORDER_MODELS:
                    found.append(f"{chain[-1]}({first.id})")
            if chain and chain[-1] in ("transition", "_transition"):
                found.append(".".join(chain))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            found += [table for table in TABLES if table in node.value.lower()]
    return found


def test_no_module_outside_orders_writes_an_order():
    offenders = {}
    for path in sorted(SRC.rglob("*.py")):
        relative = path.relative_to(SRC)
        if relative.parts[0] == "orders":
            continue
        writes = _writes(ast.parse(path.read_text(encoding="utf-8")))
        if writes:
            offenders[str(relative)] = writes
    assert offenders == {}


def test_the_scan_finds_order_writes():
    """The scan itself: each kind of write it looks for is found."""
    source = """
Order.objects.filter(pk=1).update(status="cancelled")
OrderLine.objects.filter(
    order_id=1,
).delete()
OrderTransition.objects.create(order=order)
sql.insert_rows(Order, rows)
state.transition(order, "confirmed")
cursor.execute("UPDATE orders_order SET status = %s", [s])
Order.objects.filter(pk=1).first()
"""
    assert _writes(ast.parse(source)) == [
        "Order.objects.filter.update",
        "OrderLine.objects.filter.delete",
        "OrderTransition.objects.create",
        "insert_rows(Order)",
        "state.transition",
        "orders_order",
    ]


def test_within_orders_only_the_lifecycle_changes_a_placed_order():
    """Creating an order (`services.create_order`) inserts it; every later write is
    lifecycle's."""
    writers = {}
    for path in sorted((SRC / "orders").rglob("*.py")):
        if "migrations" in path.parts or path.name == "lifecycle.py":
            continue
        writes = [
            w
            for w in _writes(ast.parse(path.read_text(encoding="utf-8")))
            if not w.startswith(tuple(f"{name}(" for name in SQL_WRITES))
        ]
        if writes:
            writers[path.name] = writes
    assert writers == {}
