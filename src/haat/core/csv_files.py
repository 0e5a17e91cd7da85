"""Reading and writing CSV files safely: every CSV Haat reads or writes goes through here.

Reading (`records`): strict parsing (an unclosed quote is an error, not a cell that
swallows the rest of the file) and every row must have exactly as many cells as the
header. A short row is the classic spreadsheet accident (a row cut off on copy): read
leniently its missing cells would be blank, and a blank cell could overwrite real data.
Errors name the row as a spreadsheet shows it (the header is row 1).

Writing (`writer`): cells a spreadsheet would run as a formula (starting with `=`, `+`,
`-`, `@`, tab or carriage return) are prefixed with a single quote, as OWASP advises
against CSV injection; plain numbers such as `-5` or `+12.50` are left alone, since no
spreadsheet runs them. `unescape` takes the quote off again on import, so an exported
file imports back unchanged.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator
from typing import Any, TextIO

from haat.core.error_codes import CoreError
from haat.core.errors import ValidationError

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")


class CsvRowError(ValidationError):
    """A file that is not valid CSV, or a row whose cell count differs from the header."""

    code = CoreError.INVALID_CSV

    def __init__(self, row: int, message: str) -> None:
        super().__init__(f"Row {row}: {message}", details={"field": "file", "row": row})
        self.row = row
        self.reason = message


def neutralize(value: Any) -> Any:
    """The cell as it is safe to write; non-text values are returned unchanged."""
    if (
        isinstance(value, str)
        and value.startswith(FORMULA_STARTS)
        and not _PLAIN_NUMBER.fullmatch(value)
    ):
        return "'" + value
    return value


def unescape(value: str) -> str:
    """Undo `neutralize` on a cell read back from a file Haat wrote."""
    if len(value) > 1 and value[0] == "'" and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value


class _SafeWriter:
    def __init__(self, out: TextIO, **options: Any) -> None:
        self._writer = csv.writer(out, **options)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow([neutralize(cell) for cell in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def writer(out: TextIO, **options: Any) -> _SafeWriter:
    """A `csv.writer` whose cells are neutralised (see the module docstring)."""
    return _SafeWriter(out, **options)


def records(text: str) -> Iterator[tuple[int, list[str]]]:
    """(row number, cells) for every record, header first (row 1), blank lines skipped.

    Raises CsvRowError for invalid CSV (e.g. an unclosed quote) and for a row with fewer
    or more cells than the header. Row numbers count records, not physical lines: a
    quoted cell may span lines, as in a spreadsheet. Cells are `unescape`d.
    """
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    width: int | None = None
    number = 0
    try:
        for cells in reader:
            number += 1
            if width is None:
                width = len(cells)
            elif not any(cell.strip() for cell in cells):
                continue
            elif len(cells) != width:
                fewer = "fewer" if len(cells) < width else "more"
                raise CsvRowError(
                    number,
                    f"This row has {fewer} cells ({len(cells)}) than the header ({width}).",
                )
            yield number, [unescape(cell) for cell in cells]
    except csv.Error as exc:
        raise CsvRowError(number + 1, f"This row is not valid CSV ({exc}).") from None
