"""Every README snippet and every docstring example runs."""

from __future__ import annotations

import doctest
import inspect
from pathlib import Path

import pytest

import mailhygiene

README = Path(__file__).resolve().parents[1] / "README.md"
FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE


def test_readme() -> None:
    result = doctest.testfile(str(README), module_relative=False, optionflags=FLAGS, globs={})
    assert result.attempted > 10
    assert result.failed == 0


def documented() -> list[tuple[str, object]]:
    out: list[tuple[str, object]] = [("mailhygiene", mailhygiene)]
    for name in mailhygiene.__all__:
        obj = getattr(mailhygiene, name)
        out.append((name, obj))
        if inspect.isclass(obj):
            for attr, member in vars(obj).items():
                if not attr.startswith("_"):
                    out.append((f"{name}.{attr}", member))
    return out


@pytest.mark.parametrize("name,obj", documented(), ids=[n for n, _ in documented()])
def test_docstring(name: str, obj: object) -> None:
    if name in ("__version__", "ERROR_CODES", "COLUMNS_SCHEMA"):  # constants: the stubs say them
        return
    doc = getattr(obj, "__doc__", None)
    assert doc and doc.strip(), f"{name} has no docstring"
    parser = doctest.DocTestParser()
    test = parser.get_doctest(doc, {"mailhygiene": mailhygiene}, name, None, 0)
    runner = doctest.DocTestRunner(optionflags=FLAGS)
    runner.run(test)
    assert runner.failures == 0, name


def test_every_stub_has_the_runtime_docstring() -> None:
    # Editors read the stubs, not the compiled module: scripts/stub_docstrings.py copies the
    # docstrings over, and reports what is missing.
    import subprocess
    import sys

    script = Path(__file__).resolve().parents[1] / "scripts" / "stub_docstrings.py"
    done = subprocess.run([sys.executable, str(script), "--check"], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
