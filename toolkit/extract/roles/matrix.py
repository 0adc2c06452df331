"""Feature dictionaries as the sparse matrix LightGBM reads. A string feature is one-hot (one
column per value seen in training); a feature the training never saw is dropped, so a model
reads any page, whatever new words or values it holds."""

from __future__ import annotations

from typing import Any

Features = dict[str, float | str]


def feature_name(key: str, value: float | str) -> tuple[str, float]:
    """The column name and value of one feature (a string feature is one-hot)."""
    if isinstance(value, str):
        return f"{key}={value}", 1.0
    return key, float(value)


def columns_of(rows: list[Features]) -> dict[str, int]:
    """Every column the rows use, numbered in sorted order (so training is deterministic)."""
    names = sorted({feature_name(key, value)[0] for row in rows for key, value in row.items()})
    return {name: i for i, name in enumerate(names)}


def feature_matrix(rows: list[Features], columns: dict[str, int]) -> Any:
    """A ``scipy.sparse.csr_matrix`` of ``rows`` over ``columns``."""
    from scipy.sparse import csr_matrix

    data: list[float] = []
    indices: list[int] = []
    indptr = [0]
    for row in rows:
        cells = {}
        for key, value in row.items():
            name, number = feature_name(key, value)
            column = columns.get(name)
            if column is not None and number:
                cells[column] = number
        for column in sorted(cells):
            indices.append(column)
            data.append(cells[column])
        indptr.append(len(indices))
    return csr_matrix((data, indices, indptr), shape=(len(rows), len(columns)))
