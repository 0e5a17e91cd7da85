"""The demo brand's catalog: Kesari Lane, a fictional D2C label of Indian apparel and souvenirs.

Prices are set per currency as a seller would (round, local-looking numbers), never
converted. Amounts here are in major units; the loader turns them into Money.
"""

from __future__ import annotations

from dataclasses import dataclass, field

BRAND = "Kesari Lane"
OWNER_EMAIL = "owner@kesarilane.example"
OWNER_NAME = "Meera Kesari"
EXTRA_CURRENCIES = ("USD", "EUR")

Prices = dict[str, int]  # {"INR": 1899, "USD": 39, "EUR": 36}


@dataclass(frozen=True)
class Kind:
    """What a product is: where it sits in the tree, its sizes, tax code and weight."""

    code: str  # SKU fragment
    category: str  # leaf category slug
    figure: str  # artwork silhouette
    hsn_code: str
    sizes: tuple[str, ...]
    weight_grams: int
    cost_ratio: float  # cost as a share of the INR price
    blurb: str


APPAREL_SIZES = ("S", "M", "L", "XL")
FREE_SIZE = ("Free size",)

KINDS: dict[str, Kind] = {
    "kurta": Kind(
        "KUR",
        "kurtas",
        "kurta",
        "6211",
        APPAREL_SIZES,
        260,
        0.38,
        "Cut from breathable cotton in a relaxed straight fit, finished by hand in small "
        "workshops we visit every season.",
    ),
    "tshirt": Kind(
        "TEE",
        "t-shirts",
        "tshirt",
        "6109",
        APPAREL_SIZES,
        180,
        0.34,
        "Heavyweight 200 GSM combed cotton, screen-printed with water-based inks that "
        "soften with every wash.",
    ),
    "stole": Kind(
        "STO",
        "stoles",
        "stole",
        "6214",
        FREE_SIZE,
        140,
        0.40,
        "Generously sized at 200 x 70 cm; soft enough for summer evenings and warm "
        "enough for a Delhi winter.",
    ),
    "mug": Kind(
        "MUG",
        "mugs",
        "mug",
        "6912",
        FREE_SIZE,
        360,
        0.30,
        "Glazed stoneware, 330 ml, microwave and dishwasher safe. Every mug is hand-dipped, "
        "so the glaze varies a little.",
    ),
    "magnet": Kind(
        "MAG",
        "magnets",
        "magnet",
        "8505",
        FREE_SIZE,
        30,
        0.25,
        "A hand-painted resin magnet, about 7 x 5 cm, with a strong ferrite back.",
    ),
    "print": Kind(
        "PRT",
        "prints",
        "print",
        "4911",
        ("A4", "A3"),
        120,
        0.28,
        "Giclée print on 300 GSM archival matte paper from an original gouache "
        "illustration. Ships rolled in a tube; frame not included.",
    ),
}


@dataclass(frozen=True)
class Item:
    """One demo product. `compare_at` marks it as on sale."""

    title: str
    kind: str
    palette: str
    prices: Prices
    compare_at: Prices | None = None
    status: str = "active"
    availability: str = "in_stock"
    expected_days: int | None = None
    collections: tuple[str, ...] = ()
    note: str = ""
    size_surcharge: dict[str, Prices] = field(default_factory=dict)


# Apparel XL takes more cloth; prints in A3 are a different product size altogether.
XL_EXTRA: dict[str, Prices] = {"XL": {"INR": 100, "USD": 2, "EUR": 2}}
A3_EXTRA: dict[str, Prices] = {"A3": {"INR": 400, "USD": 10, "EUR": 9}}

KURTA_BASE = {"INR": 1899, "USD": 39, "EUR": 36}
KURTA_FINE = {"INR": 2499, "USD": 49, "EUR": 45}
KURTA_LUXE = {"INR": 3299, "USD": 65, "EUR": 59}
TEE = {"INR": 799, "USD": 22, "EUR": 20}
TEE_PREMIUM = {"INR": 999, "USD": 26, "EUR": 24}
STOLE = {"INR": 1499, "USD": 34, "EUR": 31}
STOLE_FINE = {"INR": 2199, "USD": 45, "EUR": 42}
STOLE_SILK = {"INR": 3499, "USD": 69, "EUR": 64}
MUG = {"INR": 499, "USD": 16, "EUR": 15}
MUG_ART = {"INR": 649, "USD": 19, "EUR": 17}
MAGNET = {"INR": 249, "USD": 8, "EUR": 7}
MAGNET_BIG = {"INR": 299, "USD": 9, "EUR": 8}
PRINT = {"INR": 699, "USD": 19, "EUR": 18}

K, T, S = "kurta", "tshirt", "stole"
FEST, BEST, GIFT, NEW = "festive-edit", "bestsellers", "gifts-under-999", "new-arrivals"

ITEMS: tuple[Item, ...] = (
    # Kurtas
    Item(
        "Lucknowi Chikan Kurta – Ivory",
        K,
        "ivory",
        KURTA_LUXE,
        {"INR": 3999, "USD": 79, "EUR": 72},
        collections=(FEST, BEST),
        availability="ships_4_7_days",
        expected_days=6,
        note="Shadow-work chikankari embroidered by hand in Lucknow.",
    ),
    Item(
        "Indigo Block-Print Kurta",
        K,
        "indigo",
        KURTA_BASE,
        collections=(BEST,),
        note="Hand block-printed with natural indigo in Bagru, Rajasthan.",
    ),
    Item(
        "Mulmul Kurta – Rose",
        K,
        "rose",
        KURTA_BASE,
        collections=(NEW,),
        note="Featherlight mulmul for the hottest afternoons.",
    ),
    Item(
        "Khadi Straight Kurta – Ochre",
        K,
        "ochre",
        KURTA_FINE,
        note="Handspun, handwoven khadi that gets softer with age.",
    ),
    Item(
        "Bandhani Kurta – Marigold",
        K,
        "marigold",
        KURTA_FINE,
        {"INR": 2999, "USD": 59, "EUR": 55},
        collections=(FEST,),
        note="Tie-dyed bandhani dots from Kutch.",
    ),
    Item(
        "Ajrakh Kurta – Madder Red",
        K,
        "madder",
        KURTA_FINE,
        collections=(FEST,),
        availability="ships_2_3_days",
        expected_days=3,
        note="Resist-printed ajrakh in madder and iron black.",
    ),
    Item(
        "Kalamkari Short Kurta",
        K,
        "walnut",
        {"INR": 1499, "USD": 32, "EUR": 29},
        note="Pen-drawn kalamkari motifs on a short, easy silhouette.",
    ),
    Item(
        "Linen Pathani Kurta – Slate",
        K,
        "slate",
        KURTA_FINE,
        collections=(NEW,),
        note="Pure linen in a structured pathani cut with a side placket.",
    ),
    Item(
        "Chanderi Festive Kurta – Gold",
        K,
        "gold",
        KURTA_LUXE,
        collections=(FEST,),
        availability="pre_order",
        expected_days=21,
        note="Chanderi silk-cotton with zari buttis, made to order for the festive season.",
    ),
    Item(
        "Ikat Kurta – Teal",
        K,
        "teal",
        KURTA_BASE,
        status="draft",
        note="Double ikat from Pochampally; photos coming soon.",
    ),
    # T-shirts
    Item(
        "Cutting Chai T-shirt",
        T,
        "ochre",
        TEE,
        collections=(BEST, GIFT),
        note="For everyone who runs on half a glass of tea.",
    ),
    Item("Auto-rickshaw T-shirt", T, "marigold", TEE, collections=(BEST, GIFT)),
    Item(
        "Monsoon in Mumbai T-shirt",
        T,
        "sky",
        TEE,
        {"INR": 999, "USD": 26, "EUR": 24},
        collections=(GIFT,),
    ),
    Item("Jugaad T-shirt", T, "charcoal", TEE, collections=(GIFT,)),
    Item("Filter Kaapi T-shirt", T, "walnut", TEE, collections=(GIFT, NEW)),
    Item("Howrah Bridge T-shirt", T, "slate", TEE_PREMIUM),
    Item("Kolam Pattern T-shirt", T, "rose", TEE_PREMIUM, collections=(NEW,)),
    Item("Namaste Typography T-shirt", T, "indigo", TEE, collections=(GIFT,)),
    Item(
        "Pincode 110001 T-shirt",
        T,
        "madder",
        TEE,
        status="archived",
        note="Retired design from our first collection.",
    ),
    Item("Hampi Boulders T-shirt", T, "ochre", TEE_PREMIUM, availability="unavailable"),
    # Stoles
    Item("Pashmina-Blend Stole – Walnut", S, "walnut", STOLE_FINE, collections=(FEST,)),
    Item("Kota Doria Stole – Mint", S, "mint", STOLE, collections=(NEW,)),
    Item(
        "Phulkari Dupatta",
        S,
        "marigold",
        STOLE_SILK,
        {"INR": 4299, "USD": 85, "EUR": 79},
        collections=(FEST, BEST),
        availability="ships_4_7_days",
        expected_days=7,
        note="Hand-embroidered phulkari from Patiala, each one a few weeks' work.",
    ),
    Item("Bagru Print Stole", S, "ochre", STOLE),
    Item("Kantha Stitch Scarf", S, "indigo", STOLE_FINE, status="draft"),
    Item("Tussar Silk Stole", S, "gold", STOLE_SILK, collections=(FEST,)),
    # Mugs
    Item("Chai Pe Charcha Mug", "mug", "ochre", MUG, collections=(BEST, GIFT)),
    Item("Madhubani Fish Mug", "mug", "teal", MUG_ART, collections=(GIFT,)),
    Item(
        "Jaipur Blue Pottery Mug",
        "mug",
        "sky",
        MUG_ART,
        {"INR": 799, "USD": 22, "EUR": 20},
        collections=(GIFT,),
    ),
    Item(
        "Kulhad-Style Mug Set of 2",
        "mug",
        "madder",
        {"INR": 899, "USD": 25, "EUR": 23},
        collections=(GIFT, NEW),
    ),
    Item("Auto-rickshaw Mug", "mug", "marigold", MUG, collections=(GIFT,)),
    Item("Monsoon Mug", "mug", "indigo", MUG, availability="ships_2_3_days", expected_days=3),
    # Magnets
    Item("Taj at Dawn Magnet", "magnet", "rose", MAGNET_BIG, collections=(GIFT, BEST)),
    Item("Gateway of India Magnet", "magnet", "ochre", MAGNET, collections=(GIFT,)),
    Item("Mysore Palace Magnet", "magnet", "gold", MAGNET, collections=(GIFT,)),
    Item("Charminar Magnet", "magnet", "teal", MAGNET, collections=(GIFT,)),
    Item(
        "Hawa Mahal Magnet",
        "magnet",
        "madder",
        MAGNET_BIG,
        {"INR": 349, "USD": 10, "EUR": 9},
        collections=(GIFT,),
    ),
    Item("Backwaters Houseboat Magnet", "magnet", "mint", MAGNET, status="draft"),
    # Prints
    Item("Varanasi Ghats Print", "print", "marigold", PRINT, collections=(GIFT, BEST)),
    Item("Kerala Backwaters Print", "print", "mint", PRINT, collections=(GIFT,)),
    Item("Ladakh Monastery Print", "print", "sky", PRINT, collections=(NEW, GIFT)),
    Item(
        "Rann of Kutch Print",
        "print",
        "ivory",
        PRINT,
        {"INR": 899, "USD": 24, "EUR": 22},
        collections=(GIFT,),
    ),
    Item("Kolkata Tram Print", "print", "slate", PRINT, collections=(GIFT,)),
    Item("Goa Shacks Print", "print", "teal", PRINT, status="archived"),
)


CATEGORY_TREE: tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...] = (
    ("Apparel", "apparel", (("Kurtas", "kurtas"), ("T-shirts", "t-shirts"), ("Stoles", "stoles"))),
    ("Souvenirs", "souvenirs", (("Mugs", "mugs"), ("Magnets", "magnets"), ("Prints", "prints"))),
)

# GST (percent) by category slug: clothing and textiles at 5 %, souvenirs at 18 % except
# ceramic mugs and printed pictures at 12 %. Garments and made-up textiles sold above
# ₹1,000 a piece are taxed at 12 %: those products get their own rate.
TAX_RATES: dict[str, int] = {"apparel": 5, "souvenirs": 18, "mugs": 12, "prints": 12}
APPAREL_LOW_RATE_UP_TO = 1000  # INR, per piece
APPAREL_HIGH_RATE = 12

COLLECTIONS: tuple[tuple[str, str, str], ...] = (
    ("Festive Edit", FEST, "Chikankari, bandhani and silk for Diwali, Eid and weddings."),
    ("Bestsellers", BEST, "What our customers come back for."),
    ("Gifts under ₹999", GIFT, "Small, thoughtful and easy to post."),
    ("New Arrivals", NEW, "Fresh from the workshops this month."),
)


def size_surcharges(item: Item) -> dict[str, Prices]:
    """Extra per size on top of the base price (XL for kurtas, A3 for prints)."""
    if item.size_surcharge:
        return item.size_surcharge
    if item.kind == "kurta":
        return XL_EXTRA
    if item.kind == "print":
        return A3_EXTRA
    return {}


def ean13(body12: str) -> str:
    """Append the GS1 check digit to a 12-digit body (890 is India's GS1 prefix)."""
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body12))
    return body12 + str((10 - total % 10) % 10)
