"""The rows of ``check_many(columns=True)``, to compare with each input's ``Result``."""

from __future__ import annotations

from typing import Any

import mailhygiene


def rows(columns: dict[str, list[Any]]) -> list[dict[str, Any]]:
    """One dict per row, from the column lists."""
    return [dict(zip(columns, values)) for values in zip(*columns.values())]


def fields(result: mailhygiene.Result) -> dict[str, Any]:
    """A `Result`'s attributes by column name: what its row of the columns holds (`warnings`
    and `rules` as tuples, where `to_dict()` has lists)."""
    return {name: getattr(result, name) for name in mailhygiene.COLUMNS_SCHEMA}
