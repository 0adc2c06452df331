"""The Arrow size of rows as ``pyarrow`` reports it (``Table.nbytes``) once they are read back
from Parquet in batches of a fixed number of rows, computed from the rows in whatever layout they
have in memory. The card's ``num_bytes`` was always that read-back figure; the build knows the
rows before they reach Parquet, so it counts the same number without reading its files again.

The layout Parquet gives back, and what ``nbytes`` counts of it: a validity bitmap of
``ceil(length / 8)`` bytes for an array with nulls in the batch, and always for a nullable
number array (a struct's own bitmap is not counted; its nulls make its children null), 4 bytes
of offsets a string or list value, the bytes of the non-null strings, 8 bytes an int64.
``tests/release/test_nbytes.py`` holds this to ``nbytes`` of real read-backs, so a pyarrow that
counts otherwise fails there, not in a card.
"""

from __future__ import annotations

from collections.abc import Iterator

import pyarrow as pa
import pyarrow.compute as pc


def _int(value: pa.Scalar) -> int:
    return int(value.as_py() or 0)


def _nodes(
    array: pa.Array, path: str, nullable: bool, parent_null: pa.Array | None = None
) -> Iterator[tuple[str, int, bool, int]]:
    """``(path, length, has nulls, bytes other than the validity bitmap)`` of ``array`` and of
    every array nested in it, in the layout Parquet reads back."""
    length = len(array)
    nulls = array.is_null()
    if parent_null is not None:
        nulls = pc.or_(nulls, parent_null)
    has_nulls = _int(pc.sum(nulls)) > 0
    kind = array.type
    if pa.types.is_struct(kind):
        for index in range(kind.num_fields):
            child = kind.field(index)
            yield from _nodes(array.field(index), f"{path}.{child.name}", child.nullable, nulls)
        return
    if pa.types.is_list(kind) or pa.types.is_large_list(kind):
        if parent_null is not None:
            array = pc.if_else(parent_null, pa.scalar(None, kind), array)
        yield path, length, has_nulls, 4 * length
        yield from _nodes(array.flatten(), f"{path}[]", kind.value_field.nullable)
        return
    if pa.types.is_string(kind) or pa.types.is_binary(kind):
        sizes = pc.binary_length(array)
        if parent_null is not None:
            sizes = pc.if_else(parent_null, 0, sizes)
        yield path, length, has_nulls, 4 * length + _int(pc.sum(sizes))
        return
    if pa.types.is_integer(kind) or pa.types.is_floating(kind):
        # Parquet gives a nullable number column a bitmap even when the batch has no null.
        yield path, length, has_nulls or nullable, length * kind.bit_width // 8
        return
    raise TypeError(f"no Arrow size rule for {kind}")


class ArrowSize:
    """Running ``nbytes`` of rows fed in file order, as if read back ``batch_rows`` at a time per
    file (the batches run across row groups and restart at each file)."""

    def __init__(self, batch_rows: int) -> None:
        self.batch_rows = batch_rows
        self.total = 0
        self._rows = 0
        #: Per nested array of the open batch: its length so far and whether it has nulls.
        self._open: dict[str, tuple[int, bool]] = {}

    def add(self, table: pa.Table) -> None:
        """Count ``table``'s rows, which follow the rows added before in the same file."""
        offset = 0
        while offset < table.num_rows:
            take = min(table.num_rows - offset, self.batch_rows - self._rows)
            piece = table.slice(offset, take)
            for column in piece.schema:
                for chunk in piece.column(column.name).chunks:
                    self._count(_nodes(chunk, column.name, column.nullable))
            self._rows += take
            offset += take
            if self._rows == self.batch_rows:
                self._close_batch()

    def _count(self, nodes: Iterator[tuple[str, int, bool, int]]) -> None:
        for path, length, has_nulls, size in nodes:
            before, nulls = self._open.get(path, (0, False))
            self._open[path] = (before + length, nulls or has_nulls)
            self.total += size

    def end_file(self) -> None:
        """The file is complete: its last batch ends here."""
        if self._rows:
            self._close_batch()

    def _close_batch(self) -> None:
        self.total += sum((length + 7) // 8 for length, nulls in self._open.values() if nulls)
        self._open.clear()
        self._rows = 0
