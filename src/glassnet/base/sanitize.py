"""No code in outputs: text from the user's files made harmless where glassnet shows it.

Names and cells come from files anybody may have written. Three places would run them:

- **spreadsheets**: a CSV cell that begins with ``=``, ``+``, ``-`` or ``@`` (or a tab
  or carriage return) is a formula to Excel and LibreOffice (``=HYPERLINK(...)``,
  ``+cmd|' /C calc'!A0``). :func:`csv_cell` prefixes such text with an apostrophe, as
  OWASP recommends ("CSV Injection"); numbers, and text that is a plain number such as
  ``-1.5``, are written unchanged;
- **terminals**: escape sequences (``ESC [ ...``) and other control characters in a
  name would move the cursor, recolour or retitle the terminal. :func:`terminal` shows
  them as ``\\x1b`` instead;
- **figures**: matplotlib reads ``$...$`` as mathtext and draws every character of a
  label. glassnet turns mathtext off for its figures, and :func:`label` shortens a
  name to a label's length.

>>> csv_cell("=HYPERLINK(\\"http://x\\")")
'\\'=HYPERLINK("http://x")'
>>> csv_cell("-1.5"), csv_cell("-13,5"), csv_cell("-1.234,5"), csv_cell(-2.0)
('-1.5', '-13,5', '-1.234,5', -2.0)
>>> csv_text(csv_cell("=x"))
'=x'
>>> terminal("red\\x1b[31m")
'red\\\\x1b[31m'
>>> label("a" * 100, limit=10)
'aaaaaaaaa…'
"""

from __future__ import annotations

import re

# Formula starts, with the full-width forms Japanese input methods type.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
# A number as a sheet writes it: with a point or a decimal comma, thousands grouped by
# commas or points (1,234.5 / 1.234,5); nothing in it a spreadsheet could run.
_NUMBER = re.compile(r"[+-]?(\d{1,3}(,\d{3})+(\.\d*)?|\d{1,3}(\.\d{3})+(,\d*)?|\d+([.,]\d*)?"
                     r"|[.,]\d+)([eE][+-]?\d+)?")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def csv_cell(value):
    """``value`` as a spreadsheet will not run it: text starting a formula gets a ``'``."""
    if isinstance(value, str) and value.startswith(FORMULA_START) and not _NUMBER.fullmatch(
            value):
        return "'" + value
    return value


def csv_text(cell: str) -> str:
    """Undo :func:`csv_cell` on reading: ``'=x`` -> ``=x`` (names and labels glassnet
    wrote read back as they were; a name really beginning ``'=`` loses the ``'``)."""
    if cell.startswith("'") and cell[1:].startswith(FORMULA_START):
        return cell[1:]
    return cell


def csv_row(values) -> list:
    """Every cell of a row through :func:`csv_cell`."""
    return [csv_cell(v) for v in values]


def _escape(match) -> str:
    return match.group().encode("unicode_escape").decode("ascii")


def terminal(text, lines=True) -> str:
    """``text`` with control characters (escape sequences, bidi overrides) shown escaped;
    with ``lines=False`` line breaks and tabs too (for a name printed in a table)."""
    text = _CONTROL.sub(_escape, str(text))
    return text if lines else re.sub(r"[\t\n]", _escape, text)


def one_line(text) -> str:
    """A name or path for a message line: every control character escaped, line breaks
    and tabs too (``--out $'a\\nb'`` prints as ``a\\nb``, one line, not two)."""
    return terminal(text, lines=False)


def label(name, limit=40) -> str:
    """A name for a figure: one line, control characters escaped, at most ``limit`` long."""
    text = terminal(name, lines=False)
    return text if len(text) <= limit else text[:limit - 1] + "…"
