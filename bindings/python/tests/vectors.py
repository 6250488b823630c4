"""Reader for the shared vectors in ``tests/vectors/`` (format: ``tests/vectors/README.md``)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

VECTORS = Path(__file__).resolve().parents[3] / "tests" / "vectors"

_ESCAPE = re.compile(r"\\(?:u\{([0-9A-Fa-f]+)\}|(.))")
_SIMPLE = {"t": "\t", "n": "\n", "r": "\r", "\\": "\\"}


def unescape(s: str) -> str:
    """The ``\\t``, ``\\n``, ``\\r``, ``\\\\`` and ``\\u{HEX}`` escapes of the input column."""

    def one(m: re.Match[str]) -> str:
        if m.group(1) is not None:
            return chr(int(m.group(1), 16))
        if m.group(2) in _SIMPLE:
            return _SIMPLE[m.group(2)]
        raise ValueError(f"bad escape \\{m.group(2)} in {s!r}")

    return _ESCAPE.sub(one, s)


@dataclass
class Case:
    """One data row, named ``file:line``; cells by header name (empty cell: None)."""

    name: str
    cells: dict[str, str]

    def get(self, column: str) -> str:
        return self.cells[column]

    def opt(self, column: str) -> str | None:
        return self.cells[column] or None

    @property
    def input(self) -> str:
        return unescape(self.cells["input"])


def read(file: str) -> list[Case]:
    header: list[str] | None = None
    cases = []
    text = (VECTORS / file).read_text(encoding="utf-8")
    for i, line in enumerate(text.split("\n"), start=1):
        if not line or line.startswith("#"):
            continue
        fields = line.split("\t")
        if header is None:
            header = fields
            continue
        assert len(fields) == len(header), f"{file}:{i}: {len(fields)} cells, header has {len(header)}"
        assert fields[-1].strip(), f"{file}:{i}: the note is empty"
        cases.append(Case(f"{file}:{i}", dict(zip(header, fields))))
    return cases
