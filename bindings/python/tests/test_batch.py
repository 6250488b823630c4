"""check_many: input kinds, missing cells, columns for pandas / Polars, threads."""

from __future__ import annotations

import math
import threading
from typing import Any
from concurrent.futures import ThreadPoolExecutor

import pytest

import mailhygiene
from columns import fields, rows

INPUTS = ["Jane <jane@gmail.com>", "bob@yaho.com", "nope", "info@mailinator.com", " x@example.com "]
EXPECTED = [mailhygiene.check(i) for i in INPUTS]
EMPTY = mailhygiene.check("")


@pytest.mark.parametrize(
    "make",
    [list, tuple, iter, lambda xs: (x for x in xs), lambda xs: dict.fromkeys(xs).keys()],
    ids=["list", "tuple", "iterator", "generator", "dict_keys"],
)
def test_python_iterables(make: object) -> None:
    assert mailhygiene.check_many(make(INPUTS)) == EXPECTED  # type: ignore[operator]


def test_empty_input() -> None:
    assert mailhygiene.check_many([]) == []
    cols = mailhygiene.check_many([], columns=True)
    assert set(cols) == set(EXPECTED[0].to_dict()) and all(v == [] for v in cols.values())


def test_missing_cells_are_invalid_results() -> None:
    got = mailhygiene.check_many(["a@example.com", None, float("nan"), math.nan])
    assert got[0].valid
    assert got[1:] == [EMPTY] * 3
    assert EMPTY.error == "empty"


def test_pandas_and_numpy_missing_values_in_a_list_are_invalid_results() -> None:
    pd = pytest.importorskip("pandas")
    np = pytest.importorskip("numpy")
    # What `Series(..., dtype="string").tolist()` and datetime columns give for a missing cell.
    cells = [pd.NA, pd.NaT, np.float32("nan"), np.float64("nan"), "a@example.com"]
    got = mailhygiene.check_many(cells)
    assert got[:4] == [EMPTY] * 4
    assert got[4].valid
    assert mailhygiene.check_many(pd.Series(["a@example.com", None], dtype="string").tolist())[1] == EMPTY
    # Text that reads "nan" is text, and a number is still a type error.
    assert mailhygiene.check_many(["nan"])[0].error == "missing_at"
    with pytest.raises(TypeError, match="item 0 is int"):
        mailhygiene.check_many([5])


def test_columns_are_rows_transposed() -> None:
    cols = mailhygiene.check_many(INPUTS, columns=True)
    assert list(cols) == list(EXPECTED[0].to_dict())
    assert rows(cols) == [fields(r) for r in EXPECTED]


def test_checker_check_many_uses_its_options() -> None:
    checker = mailhygiene.Checker(allow_single_label=True)
    assert [r.valid for r in checker.check_many(["root@localhost"])] == [True]
    assert [r.valid for r in mailhygiene.check_many(["root@localhost"])] == [False]


def test_pandas_round_trip() -> None:
    pd = pytest.importorskip("pandas")
    for series in (
        pd.Series(INPUTS + [None]),
        pd.Series(INPUTS + [None], dtype="string"),
        pd.Series(INPUTS + [math.nan], dtype=object),
        pd.Index(INPUTS + [None]),
    ):
        got = mailhygiene.check_many(series)
        assert got == EXPECTED + [EMPTY], series.dtype
    df = pd.DataFrame({"email": INPUTS})
    out = pd.DataFrame(mailhygiene.check_many(df["email"], columns=True))
    assert len(out) == len(INPUTS)
    assert out["valid"].tolist() == [r.valid for r in EXPECTED]
    # pandas shows a missing string as NaN (or None, by dtype): compare where present.
    assert out["canonical"].isna().tolist() == [r.canonical is None for r in EXPECTED]
    assert out["canonical"].dropna().tolist() == [r.canonical for r in EXPECTED if r.canonical]
    # Tuples, as `Result.warnings`: hashable, so `value_counts()` and `groupby` work on them.
    assert out["warnings"].tolist() == [r.warnings for r in EXPECTED]
    assert out["warnings"].value_counts()[()] == sum(not r.warnings for r in EXPECTED)
    assert out["valid"].dtype == bool


def test_polars_round_trip() -> None:
    pl = pytest.importorskip("polars")
    series = pl.Series("email", INPUTS + [None])
    assert mailhygiene.check_many(series) == EXPECTED + [EMPTY]
    out = pl.DataFrame(mailhygiene.check_many(series, columns=True))
    assert out.height == len(INPUTS) + 1
    assert out["valid"].to_list() == [r.valid for r in EXPECTED] + [False]
    assert out["address"].to_list() == [r.address for r in EXPECTED] + [None]
    assert out["warnings"].to_list() == [list(r.warnings) for r in EXPECTED] + [[]]
    assert out.schema["valid"] == pl.Boolean


def test_columns_schema_names_every_column_with_the_type_of_its_values() -> None:
    cols = mailhygiene.check_many(INPUTS + [None], columns=True)
    schema = mailhygiene.COLUMNS_SCHEMA
    assert list(schema) == list(cols)
    assert schema["input"] is str and schema["valid"] is bool
    assert schema["warnings"] == schema["rules"] == tuple[str, ...]
    for name, values in cols.items():
        kind = schema[name]
        for v in values:
            if kind == tuple[str, ...]:
                assert isinstance(v, tuple) and all(isinstance(x, str) for x in v), name
            else:
                assert v is None or isinstance(v, kind), name  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        schema["input"] = bytes  # type: ignore[index]


def test_polars_batches_with_and_without_suggestions_concatenate() -> None:
    pl = pytest.importorskip("polars")
    clean = mailhygiene.check_many(["a@example.com", "b@example.org"], columns=True)
    typos = mailhygiene.check_many(["bob@yaho.com", "Jane <jane@gmail.com>"], columns=True)
    # The batch whose columns say nothing of their type: all None, all empty.
    assert clean["suggestion"] == clean["error"] == [None, None] and clean["warnings"] == [(), ()]
    frames = [pl.DataFrame(d, schema=mailhygiene.COLUMNS_SCHEMA) for d in (clean, typos)]
    both = pl.concat(frames)
    assert both["suggestion"].to_list() == [None, None, "bob@yahoo.com", None]
    assert both["warnings"].to_list() == [[], [], [], ["removed_display_name"]]
    assert both.schema["suggestion"] == pl.String
    assert both.schema["warnings"] == pl.List(pl.String)
    assert both.schema["free"] == pl.Boolean


def test_pyarrow_arrays() -> None:
    pa = pytest.importorskip("pyarrow")
    for arr in (
        pa.array(INPUTS + [None]),
        pa.array(INPUTS + [None], type=pa.large_string()),
        pa.chunked_array([INPUTS[:2], INPUTS[2:] + [None]]),
    ):
        assert mailhygiene.check_many(arr) == EXPECTED + [EMPTY]


def test_numpy_array() -> None:
    np = pytest.importorskip("numpy")
    arr = np.array(INPUTS + [None], dtype=object)
    assert mailhygiene.check_many(arr) == EXPECTED + [EMPTY]
    assert mailhygiene.check_many(np.array(INPUTS)) == EXPECTED


def test_threads_calling_check_many_concurrently() -> None:
    inputs = [f"user{i}@example{i % 7}.com" for i in range(20_000)] + INPUTS
    want = mailhygiene.check_many(inputs, columns=True)
    barrier = threading.Barrier(8)

    def run(n: int) -> bool:
        barrier.wait()
        if n % 2:
            return mailhygiene.check_many(inputs, columns=True) == want
        return [fields(r) for r in mailhygiene.check_many(inputs)] == rows(want)

    with ThreadPoolExecutor(8) as pool:
        assert all(pool.map(run, range(8)))


def test_list_mutated_by_another_thread_is_safe() -> None:
    """The binding copies the text out (or the list, for columns) with the GIL held: mutating
    the list meanwhile cannot free a string that a worker reads. Rows are read from the list
    chunk by chunk: a list found shorter than at the start raises ``RuntimeError``."""
    inputs = [f"user{i}@example.com" for i in range(50_000)]
    stop = threading.Event()

    def mutate() -> None:
        k = 0
        while not stop.is_set():
            inputs.append(f"late{len(inputs)}@example.com")
            del inputs[-1]
            k = (k + 7919) % 50_000
            # Padded and long: the result keeps the input as a `str`, not inline.
            inputs[k] = f" swapped{k}{'x' * 40}@example.com "

    t = threading.Thread(target=mutate)
    t.start()
    try:
        for _ in range(2):
            got = mailhygiene.check_many(inputs, columns=True)
            assert all(got["valid"])
            try:
                rows = mailhygiene.check_many(inputs)
            except RuntimeError as e:
                assert "changed size" in str(e)
                continue
            assert all(r.valid for r in rows) and len(rows) in (50_000, 50_001)
            assert all(r.input.strip().endswith("@example.com") for r in rows)
    finally:
        stop.set()
        t.join()


def test_list_shrunk_while_read() -> None:
    """A ``str`` subclass's ``encode`` (called for a cell with lone surrogates) that empties
    the list: reading the next cell raises instead of reading freed memory. Columns read a
    copy of the list, which no one else can change."""
    inputs: list[str] = []

    class Shrinking(str):
        def encode(self, *args: Any, **kwargs: Any) -> bytes:
            inputs.clear()
            return str.encode(self, *args, **kwargs)

    def make() -> list[str]:
        inputs[:] = [f"user{i}@example.com" for i in range(10_000)]
        inputs.append(Shrinking("jo\ud800hn@example.com"))
        inputs.extend(f"user{i}@example.com" for i in range(10_000))
        return inputs

    with pytest.raises(RuntimeError, match="changed size"):
        mailhygiene.check_many(make())
    cols = mailhygiene.check_many(make(), columns=True)
    assert len(cols["valid"]) == 20_001 and cols["error"][10_000] == "invalid_utf8"


TRICKY = [
    " a@example.com ",
    "Jane <jane@gmail.com>",
    "mailto:bob@example.com?subject=x",
    "<x@example.com>",
    "",
    " ",
    "a@b",
    "jo\ud800hn@example.com",
    "J.Doe+tag@GoogleMail.com",
    "jürgen@bücher.example",
    "x" * 70 + "@" + "long-domain-name." * 8 + "example",
    "a" * 100_000 + "@example.com",
]


@pytest.mark.parametrize("exact", [False, True])
def test_exact_flag_matches_single_calls(exact: bool) -> None:
    """``check_many(..., exact=...)`` is ``check(x, exact=...)`` per row, in both forms;
    missing cells are the result of an empty input either way."""
    inputs: list[str | float | None] = [*TRICKY, None, math.nan]
    single = [mailhygiene.check(i, exact=exact) for i in TRICKY]
    empty = mailhygiene.check("", exact=exact)
    assert not empty.valid and empty.error == "empty"
    want = [*single, empty, empty]
    got = mailhygiene.check_many(inputs, exact=exact)
    assert got == want
    assert [r.to_dict() for r in got] == [r.to_dict() for r in want]
    cols = mailhygiene.check_many(inputs, columns=True, exact=exact)
    assert rows(cols) == [fields(r) for r in want]


def test_exact_judges_the_input_as_given() -> None:
    got = mailhygiene.check_many([" a@example.com", "Jane <jane@gmail.com>", "a@example.com"], exact=True)
    assert [r.error for r in got] == ["whitespace", mailhygiene.check("Jane <jane@gmail.com>", exact=True).error, None]
    assert [r.warnings for r in got] == [(), (), ()]
    assert mailhygiene.check_many([" a@example.com"])[0].valid


def test_checker_check_many_exact_uses_its_options() -> None:
    checker = mailhygiene.Checker(allow_single_label=True)
    assert [r.valid for r in checker.check_many(["root@localhost", " root@localhost"], exact=True)] == [
        True,
        False,
    ]


@pytest.mark.parametrize(
    "make",
    [list, tuple, lambda xs: (x for x in xs)],
    ids=["list", "tuple", "generator"],
)
def test_exact_for_python_iterables(make: object) -> None:
    want = [mailhygiene.check(i, exact=True) for i in INPUTS]
    assert mailhygiene.check_many(make(INPUTS), exact=True) == want  # type: ignore[operator]


def test_exact_for_pandas_polars_pyarrow() -> None:
    want = [mailhygiene.check(i, exact=True) for i in INPUTS] + [mailhygiene.check("", exact=True)]
    kinds: list[Any] = []
    pd = _maybe("pandas")
    if pd is not None:
        kinds += [pd.Series(INPUTS + [None]), pd.Series(INPUTS + [math.nan], dtype=object)]
    pl = _maybe("polars")
    if pl is not None:
        kinds.append(pl.Series("email", INPUTS + [None]))
    pa = _maybe("pyarrow")
    if pa is not None:
        kinds.append(pa.array(INPUTS + [None]))
    if not kinds:
        pytest.skip("none of pandas, polars, pyarrow is installed")
    for column in kinds:
        assert mailhygiene.check_many(column, exact=True) == want, type(column)
        cols = mailhygiene.check_many(column, columns=True, exact=True)
        assert rows(cols) == [fields(r) for r in want]


def _maybe(module: str) -> Any:
    try:
        return __import__(module)
    except ImportError:
        return None


@pytest.mark.parametrize("exact", [False, True])
def test_large_batch_matches_single_calls(exact: bool) -> None:
    """Over several chunks (the binding pipelines 4 096 rows at a time) rows stay in order."""
    inputs = [
        f" User.{i}+x@{['GoogleMail.com', 'yaho.com', 'example.org', 'bücher.example'][i % 4]}"
        if i % 5
        else None
        for i in range(70_001)
    ]
    want = [mailhygiene.check(i if i is not None else "", exact=exact) for i in inputs]
    got = mailhygiene.check_many(inputs, exact=exact)
    assert got == want
    assert [r.to_dict() for r in got[::997]] == [r.to_dict() for r in want[::997]]
    cols = mailhygiene.check_many(inputs, columns=True, exact=exact)
    assert cols["canonical"] == [r.canonical for r in want]
    assert cols["error"] == [r.error for r in want]


def test_bad_cells_in_a_later_chunk() -> None:
    """Cells are read chunk by chunk: a late lone surrogate is still judged in place, and a
    late non-``str`` item still raises, naming its position, with the module usable after."""
    inputs: list[object] = [f"user{i}@example.com" for i in range(50_000)]
    inputs[45_000] = "jo\ud800hn@example.com"
    got = mailhygiene.check_many(inputs)
    assert (got[45_000].error, got[45_000].input) == ("invalid_utf8", "jo\ufffdhn@example.com")
    assert got[45_001] == mailhygiene.check("user45001@example.com")
    cols = mailhygiene.check_many(inputs, columns=True)
    assert cols["error"][45_000] == "invalid_utf8" and cols["valid"][45_001]
    inputs[49_000] = 5
    for columns in (False, True):
        with pytest.raises(TypeError, match="item 49000 is int"):
            mailhygiene.check_many(inputs, columns=columns)
    assert mailhygiene.check_many(inputs[:3]) == [mailhygiene.check(i) for i in inputs[:3]]
