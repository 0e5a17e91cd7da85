"""Write `src/haat/core/currency_snapshot.json`: the pinned ISO 4217 table Haat seeds from.

Run by hand, only to take a newer ISO 4217 list (then add a migration that inserts the new
codes, as core/migrations/0004 does), never at install or run time:

    python tools/currency_snapshot.py list-one.xml > src/haat/core/currency_snapshot.json

`list-one.xml` is ISO 4217 List One ("current currency & funds") as published by the
maintenance agency (SIX); the `iso4217` package on PyPI ships the same file as table.xml.
Codes and decimal places (minor units) come from that list alone. Display names (CLDR
English) and symbols (CLDR en_IN) come from the Babel installed when the script runs and are
pinned in the output like the rest; Babel never defines a currency at run time.

Left out: funds and entries without minor units (precious metals, bond units, SDR, test and
"no currency" codes) and the Uruguayan wage index unit UYW: nobody prices goods in them.
"""

from __future__ import annotations

import json
import sys
import xml.etree.ElementTree as ET

import babel
from babel.numbers import get_currency_name, get_currency_symbol

INDEX_UNITS = {"UYW"}
SYMBOL_LENGTH = 10  # Currency.symbol max_length


def currencies(root: ET.Element) -> dict[str, int]:
    """Code -> minor units for every currency in List One that goods can be priced in."""
    places: dict[str, int] = {}
    for entry in root.iter("CcyNtry"):
        code = entry.findtext("Ccy")
        name = entry.find("CcyNm")
        minor = entry.findtext("CcyMnrUnts") or ""
        if not code or code in INDEX_UNITS or not minor.isdigit():
            continue
        if name is not None and name.get("IsFund"):
            continue
        places[code] = int(minor)
    return dict(sorted(places.items()))


def main(path: str) -> None:
    root = ET.parse(path).getroot()  # noqa: S314  (the published list, chosen by the operator)
    rows = [
        json.dumps(
            {
                "code": code,
                "name": get_currency_name(code, locale="en"),
                "symbol": get_currency_symbol(code, locale="en_IN")[:SYMBOL_LENGTH],
                "decimal_places": places,
            },
            ensure_ascii=False,
        )
        for code, places in currencies(root).items()
    ]
    head = {
        "source": "ISO 4217 List One (codes and minor units)",
        "published": root.get("Pblshd"),
        "names_and_symbols": f"CLDR via Babel {babel.__version__} (en names, en_IN symbols)",
        "generated_by": "tools/currency_snapshot.py",
    }
    body = json.dumps(head, ensure_ascii=False, indent=2)[:-2]
    sys.stdout.write(body + ',\n  "currencies": [\n    ' + ",\n    ".join(rows) + "\n  ]\n}\n")


if __name__ == "__main__":
    main(sys.argv[1])
