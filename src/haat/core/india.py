"""Indian reference data used by several contexts: states and union territories (ISO
3166-2:IN codes and names), their GST state codes, and GSTIN checks.

Kept in the kernel because customers (addresses), payments (rules by state), the store's
own details and tax (place of supply) all need the same list.
"""

from __future__ import annotations

import re

# ISO 3166-2:IN codes of the 28 states and 8 union territories.
INDIAN_STATES: dict[str, str] = {
    "AP": "Andhra Pradesh", "AR": "Arunachal Pradesh", "AS": "Assam", "BR": "Bihar",
    "CT": "Chhattisgarh", "GA": "Goa", "GJ": "Gujarat", "HR": "Haryana",
    "HP": "Himachal Pradesh", "JH": "Jharkhand", "KA": "Karnataka", "KL": "Kerala",
    "MP": "Madhya Pradesh", "MH": "Maharashtra", "MN": "Manipur", "ML": "Meghalaya",
    "MZ": "Mizoram", "NL": "Nagaland", "OR": "Odisha", "PB": "Punjab", "RJ": "Rajasthan",
    "SK": "Sikkim", "TN": "Tamil Nadu", "TG": "Telangana", "TR": "Tripura",
    "UP": "Uttar Pradesh", "UT": "Uttarakhand", "WB": "West Bengal",
    "AN": "Andaman and Nicobar Islands", "CH": "Chandigarh",
    "DH": "Dadra and Nagar Haveli and Daman and Diu", "DL": "Delhi",
    "JK": "Jammu and Kashmir", "LA": "Ladakh", "LD": "Lakshadweep", "PY": "Puducherry",
}  # fmt: skip
# Older or common spellings people still type.
STATE_ALIASES = {
    "orissa": "Odisha", "pondicherry": "Puducherry", "uttaranchal": "Uttarakhand",
    "new delhi": "Delhi", "nct of delhi": "Delhi", "cg": "Chhattisgarh", "od": "Odisha",
    "ts": "Telangana", "uk": "Uttarakhand",
}  # fmt: skip
_BY_KEY = (
    {name.lower(): name for name in INDIAN_STATES.values()}
    | {code.lower(): name for code, name in INDIAN_STATES.items()}
    | STATE_ALIASES
)

# The two-digit state code that starts a GSTIN and names a place of supply on invoices
# (25, Daman and Diu, merged into 26 in 2020; 28 was undivided Andhra Pradesh).
GST_STATE_CODES: dict[str, str] = {
    "Jammu and Kashmir": "01", "Himachal Pradesh": "02", "Punjab": "03", "Chandigarh": "04",
    "Uttarakhand": "05", "Haryana": "06", "Delhi": "07", "Rajasthan": "08",
    "Uttar Pradesh": "09", "Bihar": "10", "Sikkim": "11", "Arunachal Pradesh": "12",
    "Nagaland": "13", "Manipur": "14", "Mizoram": "15", "Tripura": "16", "Meghalaya": "17",
    "Assam": "18", "West Bengal": "19", "Jharkhand": "20", "Odisha": "21",
    "Chhattisgarh": "22", "Madhya Pradesh": "23", "Gujarat": "24",
    "Dadra and Nagar Haveli and Daman and Diu": "26", "Maharashtra": "27", "Karnataka": "29",
    "Goa": "30", "Lakshadweep": "31", "Kerala": "32", "Tamil Nadu": "33", "Puducherry": "34",
    "Andaman and Nicobar Islands": "35", "Telangana": "36", "Andhra Pradesh": "37",
    "Ladakh": "38",
}  # fmt: skip

_GSTIN = re.compile(r"[0-9]{2}[A-Z]{5}[0-9]{4}[A-Z][1-9A-Z]Z[0-9A-Z]")
_BASE36 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def state_name(raw: str) -> str | None:
    """The state's name for a name, ISO code or common alias, any case; None if unknown."""
    return _BY_KEY.get((raw or "").strip().lower())


def gstin_check_character(first14: str) -> str:
    """The 15th character of a GSTIN: a base-36 Luhn-style check over the first 14."""
    total = 0
    for index, char in enumerate(first14):
        product = _BASE36.index(char) * (2 if index % 2 else 1)
        total += product // 36 + product % 36
    return _BASE36[(36 - total % 36) % 36]


def gstin_problem(gstin: str, *, state: str = "") -> str | None:
    """Why `gstin` is not a valid GSTIN (for `state`, when given); None when it is."""
    if not _GSTIN.fullmatch(gstin):
        return "A GSTIN is 15 characters, like 27AAPFU0939F1ZV."
    if gstin[5] not in "ABCFGHJLPT":  # the PAN's 4th letter: the holder's type
        return "The PAN inside the GSTIN is not valid."
    if gstin_check_character(gstin[:14]) != gstin[14]:
        return "The GSTIN's last character does not match: check for a typing mistake."
    if state and GST_STATE_CODES.get(state) != gstin[:2]:
        return f"A GSTIN registered in {state} starts with {GST_STATE_CODES.get(state, '??')}."
    return None
