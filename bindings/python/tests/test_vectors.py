"""The shared conformance vectors, one pytest case each (named ``file:line``).

Same files, columns and calls as the Rust runner ``crates/mailhygiene/tests/vectors.rs``; a
case that fails only here is a conversion bug. Every vector file of the README is run
(``bounces.tsv`` through ``classify_bounce``); files that do not exist (yet) are skipped.
"""

from __future__ import annotations

import pytest

import mailhygiene
from columns import fields, rows
from vectors import VECTORS, Case, read

_OPTIONS = {"allow_quoted_local", "allow_domain_literal", "allow_single_label", "lenient_lengths"}
_checkers: dict[str, mailhygiene.Checker] = {}


def checker_with(options: str) -> mailhygiene.Checker:
    if options not in _checkers:
        names = [o for o in options.split(",") if o]
        unknown = set(names) - _OPTIONS
        assert not unknown, f"unknown option {unknown}"
        _checkers[options] = mailhygiene.Checker(**{n: True for n in names})
    return _checkers[options]


def cases(file: str) -> list[object]:
    if not (VECTORS / file).exists():
        return [pytest.param(None, marks=pytest.mark.skip(reason=f"{file} does not exist yet"), id=file)]
    return [pytest.param(c, id=c.name) for c in read(file)]


def codes(items: tuple[str, ...]) -> str:
    return ",".join(items)


@pytest.mark.parametrize("case", cases("syntax.tsv"))
def test_syntax(case: Case) -> None:
    c = checker_with(case.get("options")).check(case.input, exact=True)
    assert ("valid" if c.valid else c.error) == case.get("expected"), c.message
    assert c.address == case.opt("address")
    assert c.address_ascii == case.opt("address_ascii")


@pytest.mark.parametrize("case", cases("extraction.tsv"))
def test_extraction(case: Case) -> None:
    c = mailhygiene.check(case.input)
    assert c.address == case.opt("address")
    assert codes(c.warnings) == case.get("warnings")


@pytest.mark.parametrize("case", cases("canonical.tsv"))
def test_canonical(case: Case) -> None:
    c = mailhygiene.check(case.input)
    assert c.canonical == case.opt("canonical")
    assert codes(c.rules) == case.get("rules")


@pytest.mark.parametrize("case", cases("typos.tsv"))
def test_typos(case: Case) -> None:
    assert mailhygiene.check(case.input).suggestion == case.opt("suggestion")


@pytest.mark.parametrize("case", cases("classify.tsv"))
def test_classify(case: Case) -> None:
    c = mailhygiene.check(case.input)
    for column in ("role", "disposable", "relay", "free"):
        assert str(getattr(c, column)).lower() == case.get(column), column


@pytest.mark.parametrize("file", ["extraction.tsv", "canonical.tsv", "typos.tsv", "classify.tsv"])
def test_batch_matches_single(file: str) -> None:
    """``check_many`` (list and columns) gives exactly the per-call results."""
    if not (VECTORS / file).exists():
        pytest.skip(f"{file} does not exist yet")
    inputs = [c.input for c in read(file)]
    single = [mailhygiene.check(i) for i in inputs]
    assert mailhygiene.check_many(inputs) == single
    columns = mailhygiene.check_many(inputs, columns=True)
    assert rows(columns) == [fields(r) for r in single]


@pytest.mark.parametrize(
    "file", ["syntax.tsv", "extraction.tsv", "canonical.tsv", "typos.tsv", "classify.tsv"]
)
def test_exact_batch_matches_single(file: str) -> None:
    """``check_many(exact=True)`` (list and columns) gives exactly ``check(x, exact=True)``,
    with each row's checker options."""
    if not (VECTORS / file).exists():
        pytest.skip(f"{file} does not exist yet")
    by_options: dict[str, list[str]] = {}
    for c in read(file):
        by_options.setdefault(c.cells.get("options", ""), []).append(c.input)
    for options, inputs in by_options.items():
        checker = checker_with(options)
        single = [checker.check(i, exact=True) for i in inputs]
        got = checker.check_many(inputs, exact=True)
        assert got == single
        assert [r.to_dict() for r in got] == [r.to_dict() for r in single]
        columns = checker.check_many(inputs, columns=True, exact=True)
        assert rows(columns) == [fields(r) for r in single]


@pytest.mark.parametrize("case", cases("bounces.tsv"))
def test_bounces(case: Case) -> None:
    reply = case.opt("smtp_reply")
    b = mailhygiene.classify_bounce(
        case.opt("diagnostic"),
        smtp_reply=int(reply) if reply else None,
        enhanced_status=case.opt("enhanced_status"),
    )
    assert (b.class_, b.sub_reason) == (case.get("class"), case.opt("sub_reason")), b.rule_line
