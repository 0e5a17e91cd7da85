"""ISO 4217 currency rows from Babel's CLDR data, used to seed the Currency table."""

from __future__ import annotations

from babel.numbers import get_currency_name, get_currency_precision, get_currency_symbol
from babel.numbers import list_currencies

# Historic and fund codes Babel still lists; nobody prices goods in these.
EXCLUDED = {
    "ADP", "AFA", "ALK", "AOK", "AON", "AOR", "ARA", "ARL", "ARM", "ARP", "ATS", "AZM",
    "BAD", "BAN", "BEC", "BEF", "BEL", "BGL", "BGM", "BGO", "BOL", "BOP", "BOV", "BRB", "BRC",
    "BRE", "BRN", "BRR", "BRZ", "BUK", "BYB", "BYR", "CHE", "CHW", "CLE", "CLF", "CNH", "CNX",
    "COU", "CSD", "CSK", "CYP", "DDM", "DEM", "ECS", "ECV", "EEK", "ESA", "ESB", "ESP", "FIM",
    "FRF", "GEK", "GHC", "GNS", "GQE", "GRD", "GWE", "GWP", "HRD", "HRK", "IEP", "ILP", "ILR",
    "ISJ", "ITL", "KRH", "KRO", "LTL", "LTT", "LUC", "LUF", "LUL", "LVL", "LVR", "MAF", "MCF",
    "MDC", "MGF", "MKN", "MLF", "MRO", "MTL", "MTP", "MVP", "MXP", "MXV", "MZE", "MZM", "NIC",
    "NLG", "PEI", "PES", "PLZ", "PTE", "RHD", "ROL", "RUR", "SDD", "SDP", "SIT", "SKK", "SLL",
    "SRG", "STD", "SUR", "TJR", "TMM", "TPE", "TRL", "UAK", "UGS", "USN", "USS", "UYI", "UYP",
    "UYW", "VEB", "VEF", "VNN", "XAG", "XAU", "XBA", "XBB", "XBC", "XBD", "XDR", "XEU", "XFO",
    "XFU", "XPD", "XPT", "XRE", "XSU", "XTS", "XUA", "XXX", "YDD", "YUD", "YUM", "YUN", "YUR",
    "ZAL", "ZMK", "ZRN", "ZRZ", "ZWD", "ZWL", "ZWR", "VED", "XCG", "ZWG",
}


def iso_currencies() -> list[dict]:
    rows = []
    for code in sorted(list_currencies()):
        if code in EXCLUDED or len(code) != 3:
            continue
        rows.append(
            {
                "code": code,
                "name": get_currency_name(code, locale="en"),
                "symbol": get_currency_symbol(code, locale="en_IN")[:10],
                "decimal_places": get_currency_precision(code),
            }
        )
    return rows
