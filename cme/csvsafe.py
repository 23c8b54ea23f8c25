"""CSV that a spreadsheet opens without running anything: formula cells neutralised, rows streamed.

A cell whose text begins with `=`, `+`, `-` or `@` (or a tab or carriage return, which some
spreadsheets skip before reading a formula) is a formula to Excel, LibreOffice and Google Sheets
("CSV injection", OWASP). Such text is prefixed with a single quote, which the spreadsheet shows as
text. Numbers the code writes itself (int, Decimal, float) are not text and pass unchanged.
"""

import csv
from collections.abc import Iterable, Iterator
from decimal import Decimal

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value) -> str:
    """The cell as text, quoted with a leading `'` when a spreadsheet would read it as a formula."""
    if value is None:
        return ""
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return str(value)
    text = str(value)
    return f"'{text}" if text.startswith(FORMULA_PREFIXES) else text


def safe_row(values: Iterable) -> list[str]:
    return [neutralise(value) for value in values]


class _Line:
    """A file-like object whose `write` hands the line back, so csv.writer can feed a generator."""

    def write(self, line: str) -> str:
        return line


def csv_lines(header: Iterable[str], rows: Iterable[Iterable]) -> Iterator[str]:
    """Yield the header and each row as one CSV line (RFC 4180 quoting, CRLF), neutralised."""
    writer = csv.writer(_Line())
    yield writer.writerow(safe_row(header))
    for row in rows:
        yield writer.writerow(safe_row(row))
