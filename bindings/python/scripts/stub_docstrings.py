"""Copy the runtime docstrings into the type stubs, so that editors show them on hover.

The docstrings live once, in the Rust source (PyO3 exposes them as ``__doc__``); the stubs in
``python/mailhygiene/__init__.pyi`` carry the types. This script fills in every class,
function, method and property of the stubs that has no docstring yet, from the installed
module, and leaves the rest of the file as it is. Run it after changing a docstring:

    bindings/python/.venv/bin/python bindings/python/scripts/stub_docstrings.py

``--check`` changes nothing and exits 1 if a docstring is missing (``test_docs.py`` runs it).
"""

from __future__ import annotations

import ast
import inspect
import sys
from pathlib import Path

import mailhygiene

STUB = Path(__file__).resolve().parents[1] / "python" / "mailhygiene" / "__init__.pyi"


def runtime_doc(path: list[str]) -> str | None:
    """The docstring of ``mailhygiene.<path>``, cleaned, or None."""
    obj: object = mailhygiene
    for name in path:
        obj = inspect.getattr_static(obj, name, None) if isinstance(obj, type) else getattr(obj, name, None)
        if obj is None:
            return None
    doc = getattr(obj, "__doc__", None)
    if not isinstance(doc, str) or not doc.strip():
        return None
    return inspect.cleandoc(doc)


def literal(doc: str, indent: str) -> str:
    """``doc`` as an indented triple-quoted string literal."""
    text = doc.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
    lines = text.split("\n")
    body = "\n".join(indent + line if line else "" for line in lines[1:])
    if len(lines) == 1:
        return f'{indent}"""{text}"""'
    return f'{indent}"""{lines[0]}\n{body}\n{indent}"""'


def missing(tree: ast.Module) -> list[tuple[ast.AST, list[str]]]:
    """The public definitions without a docstring, each with its path in the module."""
    out: list[tuple[ast.AST, list[str]]] = []

    def visit(body: list[ast.stmt], prefix: list[str]) -> None:
        for node in body:
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                # Dunder methods are documented by their class (its arguments, its behaviour).
                if not node.name.startswith("_") and ast.get_docstring(node) is None:
                    out.append((node, [*prefix, node.name]))
                if isinstance(node, ast.ClassDef):
                    visit(node.body, [*prefix, node.name])

    visit(tree.body, [])
    return out


def main() -> int:
    source = STUB.read_text(encoding="utf-8")
    tree = ast.parse(source)
    todo = missing(tree)
    if "--check" in sys.argv:
        for node, path in todo:
            print(f"{STUB.name}:{node.lineno}: no docstring for {'.'.join(path)}")
        return 1 if todo else 0
    lines = source.split("\n")
    filled = 0
    # Bottom up, so that earlier line numbers stay valid.
    for node, path in sorted(todo, key=lambda t: t[0].lineno, reverse=True):
        doc = runtime_doc(path)
        if doc is None:
            continue
        assert isinstance(node, (ast.FunctionDef, ast.ClassDef))
        indent = " " * (node.col_offset + 4)
        first = node.body[0]
        if isinstance(node, ast.FunctionDef) and isinstance(first, ast.Expr) and first.lineno == first.end_lineno:
            # `def f(...) -> T: ...` (the `...` on the signature's last line, or its own line).
            row = first.lineno - 1
            line = lines[row]
            before = line[: first.col_offset].rstrip()
            after = line[first.end_col_offset :]
            if before:
                lines[row : row + 1] = [before, literal(doc, indent) + after]
            else:
                lines[row : row + 1] = [literal(doc, indent) + after]
        else:
            # A class (or a function with a body): the docstring goes before its first statement.
            row = first.lineno - 1
            if isinstance(node, ast.ClassDef) and first.lineno == node.lineno:
                continue  # `class X: ...` on one line: left as it is
            lines[row:row] = [literal(doc, indent), ""] if isinstance(node, ast.ClassDef) else [literal(doc, indent)]
        filled += 1
    STUB.write_text("\n".join(lines), encoding="utf-8")
    print(f"{filled} docstrings filled in, {len(todo) - filled} without a runtime docstring")
    return 0


if __name__ == "__main__":
    sys.exit(main())
