"""Body columns: where each set body line goes (column, row), keeping what must stay together.

A 小标题 (subhead) is never the last line of a column: it keeps with the line after it, so where it would
end a column it moves, with that line, to the top of the next one. The lines of one table row stay together,
and a table's header keeps with its first row; where a table continues at the top of a new column its
header is set there again (a repeated header). Without such keeps, lines simply fill each column in turn.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping


def flow(n: int, per_col: int, keep: Collection[int] = (), repeat: Mapping[int, tuple[int, ...]] | None = None
         ) -> list[tuple[int, int, int, bool]]:
    """(line index, column, row, repeated) for lines 0..n-1 in columns of per_col rows, the columns unbounded
    (the caller sets what lies beyond its last column aside as overset).

    keep: indexes of lines that must not end a column (they keep with the next line); a run of such lines and
    the line after them is a block that moves whole to the next column when it does not fit the rest of this
    one (unless it is longer than a column). repeat: for a line of a table's body, the indexes of its table's
    header lines, set again (repeated=True) at the top of a column the table continues in."""
    per_col = max(1, per_col)
    repeat = repeat or {}
    out: list[tuple[int, int, int, bool]] = []
    col = row = 0

    def new_column(first: int) -> None:
        nonlocal col, row
        col, row = col + 1, 0
        head = repeat.get(first, ())
        if head and len(head) < per_col:
            for h in head:
                out.append((h, col, row, True))
                row += 1

    i = 0
    while i < n:
        j = i
        while j in keep and j + 1 < n:
            j += 1
        size = j - i + 1  # the block i..j stays together
        if 0 < row and row + size > per_col and size <= per_col:
            new_column(i)
        for k in range(i, j + 1):
            if row >= per_col:
                new_column(k)
            out.append((k, col, row, False))
            row += 1
        i = j + 1
    return out


def slots_used(slots: list[tuple[int, int, int, bool]], per_col: int) -> int:
    """Grid lines the flowed body takes, counting the empty rows a kept block left and repeated headers."""
    if not slots:
        return 0
    _, col, row, _ = slots[-1]
    return col * max(1, per_col) + row + 1
