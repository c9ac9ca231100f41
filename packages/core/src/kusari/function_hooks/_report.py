"""The right-aligned text table that the profiling hooks' ``print_report`` writes."""
from __future__ import annotations

import sys


def write_table(rows, file=None) -> None:
    """Write ``rows`` (lists of strings, header first) right-aligned, two spaces apart.

    Example:
        >>> write_table([['Name', 'Time'], ['ReLU', '1.00ms']])
        Name    Time
        ReLU  1.00ms
    """
    file = sys.stdout if file is None else file
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        file.write("  ".join(cell.rjust(width) for cell, width in zip(row, widths)) + "\n")
    if hasattr(file, "flush"):
        file.flush()


def check_unit(func: str, unit, units) -> None:
    """Raise InvalidType unless ``unit`` is 'auto', 'auto_foreach' or one of ``units``."""
    from kusari.utils import type_check

    allowed = ("auto", "auto_foreach", *units)
    if not isinstance(unit, str) or unit not in allowed:
        type_check.fail(func, "unit", "one of " + ", ".join(repr(u) for u in allowed), repr(unit))
