"""The conventions a table was written in, so glassnet's outputs can follow them.

A file that uses ``;`` between cells (Excel in Germany, France, ...) usually writes
decimal commas (``10,5``); some write points. :func:`decimal_mark` tells which from the
cells themselves; ``io.files.output_dialect`` turns what was detected (delimiter,
decimal mark, encoding) into the conventions predictions and exports are written in,
so that German in is German out and reading glassnet's own output back gives the same
numbers.

>>> decimal_mark([(2, ["10,5", "x"]), (3, ["1.234,5", "y"])], ";")
','
>>> decimal_mark([(2, ["0.125", "1.5"])], ";"), decimal_mark([(2, ["1,5"])], ",")
('.', '.')
"""

from __future__ import annotations

import re

# A number with a decimal comma (10,5; 1.234,5; -0,25) and one with a decimal point
# that is not a thousands group of a decimal-comma file (0.125 and 1.5, not 1.234).
_COMMA = re.compile(r"[+-]?(\d{1,3}(\.\d{3})+|\d*),\d+")
_POINT = re.compile(r"[+-]?\d*\.\d+([eE][+-]?\d+)?")
_GROUPED = re.compile(r"[+-]?\d{1,3}(\.\d{3})+")


def decimal_mark(rows, delimiter, limit=2000) -> str:
    """',' when a ``;`` file's numbers use decimal commas, else '.'; rows are (line,
    cells) pairs, the first ``limit`` of them looked at. A ``;`` file with no decimals
    at all gets ',' (the convention of the countries that write ``;``)."""
    if delimiter != ";":
        return "."
    commas = points = 0
    for _line, row in rows[:limit]:
        for cell in row:
            text = cell.strip()
            if _COMMA.fullmatch(text):
                commas += 1
            elif _POINT.fullmatch(text) and not _GROUPED.fullmatch(text):
                points += 1
    return "." if points > commas else ","
