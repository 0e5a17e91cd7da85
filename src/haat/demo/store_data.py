"""The demo store's operations data: where stock sits, how much, payment settings, the
team and a few customers' orders.

Quantities are chosen so every stock screen has something to show: most variants have
plenty, a few are low (the low-stock alert and nav badge), two are out of stock, prints
and Bagru stoles come only from the partner shop, and one kurta is split across both
locations so an order can be allocated across them.
"""

from __future__ import annotations

from dataclasses import dataclass

# The store's details (dashboard Settings → Store details). The GSTIN is made up, with a
# valid check character, for Rajasthan (08) where the store is.
STORE_DETAILS = {
    "name": "Kesari Lane",
    "legal_name": "Kesari Lane Crafts LLP",
    "address_line1": "14, Haldiyon ka Rasta",
    "address_line2": "Johari Bazaar",
    "city": "Jaipur",
    "state": "Rajasthan",
    "postal_code": "302003",
    "country": "IN",
    "gstin": "08AAKFK2024R1ZX",
    "support_email": "hello@kesarilane.example",
    "support_phone": "+91 141 400 2024",
    "time_zone": "Asia/Kolkata",
}

WAREHOUSE = ("Jaipur warehouse", "jaipur-warehouse", "warehouse", 10)
PARTNER_SHOP = ("Johari Bazaar partner shop", "johari-bazaar", "partner_shop", 20)

# Most variants: a seeded draw in this range at the warehouse.
STOCK_RANGE = (10, 60)
STOCK_SEED = 2024
# Low on purpose (at or below the store default of 5): shows the low-stock alert.
LOW_STOCK: dict[str, int] = {
    "KL-KUR-003-S": 3,
    "KL-TEE-011-XL": 2,
    "KL-STO-026-FREE-SIZE": 4,
    "KL-MUG-031-FREE-SIZE": 3,
}
# Never received: out of stock (and "temporarily unavailable" in the catalog).
NEVER_STOCKED_PREFIXES = ("KL-TEE-020-",)
# Sold beyond stock, never received: prefix → (mode, cap per variant, promise). The
# festive kurta is a pre-order shipping on a date (days from the load); the phulkari
# dupatta is embroidered to order, shipping a number of days after each order.
BEYOND_STOCK: dict[str, tuple[str, int, dict[str, int]]] = {
    "KL-KUR-009-": ("pre_order", 25, {"ships_on_in": 21}),
    "KL-STO-023-": ("backorder", 10, {"ships_in_days": 12}),
}
# Received, then written off as damaged: out of stock with a history in the ledger.
WRITTEN_OFF: dict[str, int] = {"KL-TEE-013-XL": 6}
# Only at the partner shop (prefix → range drawn from the same seed).
PARTNER_ONLY_PREFIXES = ("KL-PRT-", "KL-STO-024-")
# At both locations: (warehouse units, partner units). The demo's 4-unit order of the
# M size fits in neither location alone, so it is split across both.
SPLIT: dict[str, tuple[int, int]] = {
    "KL-KUR-002-S": (8, 6),
    "KL-KUR-002-M": (3, 3),
    "KL-KUR-002-L": (10, 8),
    "KL-KUR-002-XL": (3, 9),
}
# Per-variant thresholds above the store default: bestsellers are reordered earlier.
THRESHOLDS: dict[str, int] = {
    "KL-MUG-027-FREE-SIZE": 15,
    "KL-MAG-033-FREE-SIZE": 12,
    "KL-KUR-002-L": 20,
    "KL-STO-021-FREE-SIZE": 3,
}

# Amounts in minor units. Partial COD: 20 % upfront, at least ₹99 / $3 / €3.
PAYMENT_SETTINGS: dict[str, object] = {
    "prepaid_enabled": True,
    "cod_enabled": True,
    "partial_cod_enabled": True,
    "reserve_and_pay_enabled": True,
    "partial_cod_percent": "20",
    "partial_cod_minimum": {"INR": 9900, "USD": 300, "EUR": 300},
    "cod_fee": {"INR": 4900},
    "cod_max_order_value": {"INR": 1_000_000},
    "express_fee": {"INR": 14900, "USD": 500, "EUR": 500},
    "reserve_window_hours": 48,
    "test_gateway_enabled": True,
}

# As a brand in India would set it: cash is collected in India only (a parcel abroad is
# paid before it ships).
PAYMENT_RULES: tuple[dict[str, str], ...] = (
    {"payment_type": "cod", "effect": "allow", "scope": "country", "country": "IN",
     "note": "Cash on delivery in India only"},
    {"payment_type": "partial_cod", "effect": "allow", "scope": "country", "country": "IN",
     "note": "Partial COD in India only"},
)  # fmt: skip

# The rest of the team. They get no password: "Forgot password?" sets one.
STAFF: tuple[tuple[str, str, str], ...] = (
    ("arjun.mehta@kesarilane.example", "Arjun Mehta", "manager"),
    ("lakshmi.iyer@kesarilane.example", "Lakshmi Iyer", "fulfilment"),
    ("zoya.khan@kesarilane.example", "Zoya Khan", "marketing"),
    ("rahul.verma@kesarilane.example", "Rahul Verma", "support"),
)


@dataclass(frozen=True)
class DemoOrder:
    """A customer's cash-on-delivery order, placed through cart and checkout."""

    name: str
    email: str
    phone: str
    line1: str
    city: str
    state: str
    postal_code: str
    lines: tuple[tuple[str, int], ...]  # (SKU, quantity)
    # How far along the pipeline the demo takes it: confirmed (as placed), processing,
    # shipped (with a courier and AWB) or delivered.
    stage: str = "confirmed"
    courier: str = ""
    awb: str = ""


ORDERS: tuple[DemoOrder, ...] = (
    DemoOrder(
        "Priya Sharma",
        "priya.sharma@example.com",
        "+919820012345",
        "14 Carter Road, Bandra West",
        "Mumbai",
        "Maharashtra",
        "400050",
        (("KL-KUR-002-M", 4), ("KL-MUG-027-FREE-SIZE", 2)),
        stage="delivered",
        courier="dtdc",
        awb="D40417265",
    ),
    DemoOrder(
        "Karthik Raghavan",
        "karthik.r@example.com",
        "+919845098765",
        "22 4th Cross, Indiranagar",
        "Bengaluru",
        "Karnataka",
        "560038",
        (("KL-TEE-012-L", 1), ("KL-TEE-015-L", 1), ("KL-MAG-033-FREE-SIZE", 3)),
        stage="delivered",
        courier="bluedart",
        awb="50742198836",
    ),
    DemoOrder(
        "Ananya Bose",
        "ananya.bose@example.com",
        "+919830011122",
        "7 Lake Place, Ballygunge",
        "Kolkata",
        "West Bengal",
        "700029",
        (("KL-STO-024-FREE-SIZE", 1), ("KL-PRT-043-A3", 1)),
        stage="shipped",
        courier="delhivery",
        awb="28930410062451",
    ),
    DemoOrder(
        "Rohan Gupta",
        "rohan.gupta@example.com",
        "+919811022233",
        "B-41 Defence Colony",
        "New Delhi",
        "Delhi",
        "110024",
        (("KL-KUR-004-L", 1), ("KL-TEE-011-XL", 1)),
    ),
    # Priya again, delivered to her office: a returning customer with two addresses.
    DemoOrder(
        "Priya Sharma",
        "priya.sharma@example.com",
        "+919820012345",
        "Unit 5, Kalpataru Square, Andheri East",
        "Mumbai",
        "Maharashtra",
        "400059",
        (("KL-STO-024-FREE-SIZE", 1), ("KL-MAG-033-FREE-SIZE", 2)),
        stage="processing",
    ),
)

# What happened after the orders, so the customers' profiles tell a story. Each entry
# names the customer's e-mail; cash is recorded against their oldest order.
CASH_COLLECTED: tuple[tuple[str, str], ...] = (
    ("priya.sharma@example.com", "DTDC-REM-0412"),
    ("karthik.r@example.com", "BLUEDART-REM-0093"),
)
# (e-mail, the team's note, what the customer reads)
CANCELLED: tuple[tuple[str, str, str], ...] = (
    ("rohan.gupta@example.com",
     "Needed it before a wedding on Saturday; we could not promise that.",
     "Cancelled at your request."),
)  # fmt: skip
SUPPORT_EMAIL = "rahul.verma@kesarilane.example"  # who cancelled and wrote the notes
NOTES: tuple[tuple[str, str], ...] = (
    ("priya.sharma@example.com",
     "Returning customer. Prefers delivery after 6 pm; call before dispatch."),
    ("priya.sharma@example.com",
     "Asked about the indigo kurta in XL: tell her when it is back."),
    ("rohan.gupta@example.com",
     "Cancelled for timing, not price. Offer express sourcing next time."),
)  # fmt: skip
