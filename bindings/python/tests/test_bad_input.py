"""Bad input gives clear exceptions or invalid results; panics become exceptions."""

from __future__ import annotations

import pickle

import pytest

import mailhygiene
from mailhygiene import InvalidAddressError, _native


@pytest.mark.parametrize("value", [None, 5, b"a@example.com", ["a@example.com"]])
def test_non_str_argument_is_a_type_error(value: object) -> None:
    for fn in (mailhygiene.check, mailhygiene.canonical, mailhygiene.normalize, mailhygiene.suggest):
        with pytest.raises(TypeError):
            fn(value)  # type: ignore[operator]


@pytest.mark.parametrize("bad", [5, b"a@example.com", object(), 1.5])
def test_non_str_item_names_its_position(bad: object) -> None:
    with pytest.raises(TypeError, match="item 1 is"):
        mailhygiene.check_many(["a@example.com", bad])


@pytest.mark.parametrize("single", ["a@example.com", b"a@example.com"])
def test_a_single_string_is_not_a_batch(single: object) -> None:
    with pytest.raises(TypeError, match="not a single"):
        mailhygiene.check_many(single)  # type: ignore[arg-type]


def test_non_iterable() -> None:
    with pytest.raises(TypeError):
        mailhygiene.check_many(5)  # type: ignore[arg-type]


def test_lone_surrogates_are_invalid_utf8() -> None:
    bad = "jo\ud800hn@example.com"
    r = mailhygiene.check(bad)
    assert (r.valid, r.error) == (False, "invalid_utf8")
    assert r.input == "jo\ufffdhn@example.com"
    assert mailhygiene.check_many(["a@example.com", bad])[1] == r
    assert mailhygiene.check_many([bad], columns=True)["error"] == ["invalid_utf8"]
    with pytest.raises(InvalidAddressError) as info:
        mailhygiene.canonical(bad)
    assert info.value.code == "invalid_utf8"
    assert mailhygiene.suggest(bad) is None


def test_huge_strings() -> None:
    huge = "a" * 10_000_000 + "@example.com"
    r = mailhygiene.check(huge)
    assert (r.valid, r.error) == (False, "local_too_long")
    assert mailhygiene.check("x@" + "a" * 5_000_000 + ".com").error == "domain_label_too_long"
    assert [r.error for r in mailhygiene.check_many([huge, "\x00" * 1_000_000])] == [
        "local_too_long",
        "control_char",
    ]
    with pytest.raises(InvalidAddressError) as info:
        mailhygiene.canonical(huge)
    assert info.value.code == "local_too_long"


def test_odd_but_valid_strings() -> None:
    for s in ["", "@", "\x00", "\u200b", "a@b@c", "<>", "mailto:", '"', "\ufeffa@example.com"]:
        r = mailhygiene.check(s)
        assert not r.valid and r.error in mailhygiene.ERROR_CODES, s


def test_panic_is_an_ordinary_exception() -> None:
    # PyO3 raises panics as a BaseException, which `except Exception` would let through.
    try:
        _native._panic_for_tests()
    except Exception as e:
        caught: Exception = e
    assert type(caught) is mailhygiene.InternalError
    assert isinstance(caught, RuntimeError)
    assert str(caught) == "test panic"
    assert (type(caught).__module__, type(caught).__name__) == ("mailhygiene", "InternalError")


def test_panic_in_a_worker_thread_is_an_ordinary_exception() -> None:
    with pytest.raises(mailhygiene.InternalError, match="^test panic in a worker thread$"):
        _native._panic_for_tests(in_worker=True)
    # The interpreter and the module still work afterwards.
    assert mailhygiene.check_many(["a@example.com"])[0].valid


def test_internal_error_pickles_by_name() -> None:
    # A worker process sends its exceptions back pickled.
    try:
        _native._panic_for_tests()
    except mailhygiene.InternalError as e:
        back = pickle.loads(pickle.dumps(e))
    assert type(back) is mailhygiene.InternalError
    assert str(back) == "test panic"
