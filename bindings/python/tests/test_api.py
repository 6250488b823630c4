"""The address API: results, errors, checkers and value types."""

from __future__ import annotations


import pytest

import mailhygiene
from mailhygiene import InvalidAddressError

FIELDS = [
    "input", "valid", "error", "message", "address", "address_ascii", "canonical",
    "suggestion", "role", "disposable", "relay", "free", "warnings", "rules",
]


def test_result_fields_and_dict() -> None:
    r = mailhygiene.check('"Jane" <Jane.Doe+promo@googlemail.com>')
    d = r.to_dict()
    assert list(d) == FIELDS
    assert d == {
        "input": '"Jane" <Jane.Doe+promo@googlemail.com>',
        "valid": True,
        "error": None,
        "message": None,
        "address": "Jane.Doe+promo@googlemail.com",
        "address_ascii": "Jane.Doe+promo@googlemail.com",
        "canonical": "janedoe@gmail.com",
        "suggestion": None,
        "role": False,
        "disposable": False,
        "relay": False,
        "free": True,
        "warnings": ["removed_display_name"],
        "rules": ["strip_tag", "strip_dots", "domain_alias"],
    }
    for name in FIELDS:
        got = getattr(r, name)
        assert (list(got) if isinstance(got, tuple) else got) == d[name], name


def test_result_is_immutable_and_comparable() -> None:
    r = mailhygiene.check("a@example.com")
    with pytest.raises(AttributeError):
        r.valid = False  # type: ignore[misc]
    assert r == mailhygiene.check("a@example.com")
    assert r != mailhygiene.check("b@example.com")
    assert r != "a@example.com"


def test_result_repr() -> None:
    assert repr(mailhygiene.check("john..doe@example.com")) == (
        "Result(valid=False, input='john..doe@example.com', error='consecutive_dots')"
    )
    assert repr(mailhygiene.check("info@mailinator.com")) == (
        "Result(valid=True, address='info@mailinator.com', role=True, disposable=True)"
    )


def test_invalid_is_a_value_with_a_stable_code() -> None:
    r = mailhygiene.check("nope")
    assert (r.valid, r.error, r.address, r.canonical) == (False, "missing_at", None, None)
    assert r.message
    assert r.error in mailhygiene.ERROR_CODES


def test_exact_skips_extraction() -> None:
    assert mailhygiene.check(" a@example.com ").valid
    r = mailhygiene.check(" a@example.com ", exact=True)
    assert (r.valid, r.error, r.warnings) == (False, "whitespace", ())


def test_error_codes_are_the_cores() -> None:
    assert len(mailhygiene.ERROR_CODES) == len(set(mailhygiene.ERROR_CODES)) >= 28
    assert all(c.islower() and " " not in c for c in mailhygiene.ERROR_CODES)


@pytest.mark.parametrize(
    "fn",
    [
        mailhygiene.parse,
        mailhygiene.normalize,
        mailhygiene.canonical,
        mailhygiene.classify,
        mailhygiene.is_role,
        mailhygiene.is_disposable,
        mailhygiene.is_relay,
        mailhygiene.is_free,
    ],
)
def test_functions_needing_a_valid_address_raise(fn: object) -> None:
    with pytest.raises(InvalidAddressError) as info:
        fn("john..doe@example.com")  # type: ignore[operator]
    e = info.value
    assert isinstance(e, ValueError)
    assert e.code == "consecutive_dots"
    assert e.message == str(e) == mailhygiene.check("john..doe@example.com").message
    assert e.input == "john..doe@example.com"


def test_normalize_and_parse() -> None:
    a = mailhygiene.normalize(" Jürgen@Bücher.Example ")
    assert str(a) == "Jürgen@bücher.example"
    assert (a.local, a.domain, a.domain_ascii) == ("Jürgen", "bücher.example", "xn--bcher-kva.example")
    assert a.ascii == "Jürgen@xn--bcher-kva.example"
    assert not a.is_domain_literal
    assert repr(a) == "Address('Jürgen@bücher.example')"
    assert a == mailhygiene.parse("Jürgen@bücher.example")
    assert len({a, mailhygiene.parse("Jürgen@BÜCHER.example")}) == 1
    with pytest.raises(InvalidAddressError) as info:
        mailhygiene.parse(" a@example.com")
    assert info.value.code == "whitespace"


def test_canonical_suggest_classify() -> None:
    assert mailhygiene.canonical("J.Doe+x@gmail.com") == "jdoe@gmail.com"
    assert mailhygiene.canonical("J.Doe+x@example.com") == "j.doe+x@example.com"
    s = mailhygiene.suggest("john@gmial.com")
    assert s is not None
    assert (s.address, s.domain, s.distance) == ("john@gmail.com", "gmail.com", 1)
    assert 0 < s.confidence <= 1
    # A decimal as written, not a 32-bit float's expansion (0.8999999761581421).
    assert s.confidence == float(f"{s.confidence:.6g}")
    assert mailhygiene.suggest("john@example.com") is None
    assert mailhygiene.suggest("not an address") is None
    c = mailhygiene.classify("noreply@mailinator.com")
    assert (c.role is not None, c.disposable, c.relay, c.free) == (True, True, False, False)
    assert "Classification(role=" in repr(c)
    assert mailhygiene.is_role("info@example.com")
    assert not mailhygiene.is_role("jane@example.com")
    assert mailhygiene.is_disposable("x@mailinator.com")
    assert mailhygiene.is_free("x@gmail.com")
    assert not mailhygiene.is_relay("x@gmail.com")


def test_checker_options() -> None:
    default = mailhygiene.Checker()
    assert default.check('"john doe"@example.com', exact=True).error == "quoted_local"
    c = mailhygiene.Checker(
        allow_quoted_local=True,
        allow_domain_literal=True,
        allow_single_label=True,
        lenient_lengths=True,
    )
    assert c.check('"john doe"@example.com', exact=True).valid
    assert c.check("user@[192.0.2.1]").valid
    assert c.check("root@localhost").valid
    assert c.check("a" * 70 + "@example.com").valid
    assert not default.check("a" * 70 + "@example.com").valid


def test_checker_lists_roles_and_rules() -> None:
    c = mailhygiene.Checker(
        add_domains={"disposable": ["throwaway.example"], "free": ["freemail.example"]},
        remove_domains={"free": ["gmail.com"]},
        allow_domains=["mailinator.com"],
        add_roles={"billing-team": "billing"},
        remove_roles=["info"],
        provider_rules=[mailhygiene.ProviderRule("Example.COM", strip_dots=True, strip_tag=True)],
        remove_provider_rules=["googlemail.com"],
    )
    assert c.is_disposable("x@throwaway.example")
    assert not c.is_disposable("x@mailinator.com")
    assert c.is_free("x@freemail.example")
    assert not c.is_free("x@gmail.com")
    assert c.classify("billing-team@example.com").role == "billing"
    assert not c.is_role("info@example.com")
    assert c.canonical("J.Doe+news@example.com") == "jdoe@example.com"
    assert c.canonical("J.Doe+news@googlemail.com") == "j.doe+news@googlemail.com"
    # The default checker is untouched.
    assert mailhygiene.is_disposable("x@mailinator.com")
    assert mailhygiene.canonical("J.Doe+news@example.com") == "j.doe+news@example.com"


def test_checker_rejects_bad_arguments() -> None:
    with pytest.raises(ValueError, match="unknown domain list"):
        mailhygiene.Checker(add_domains={"spam": ["x.example"]})  # type: ignore[dict-item]
    with pytest.raises(TypeError):
        mailhygiene.Checker(True)  # type: ignore[misc]
    with pytest.raises(TypeError):
        mailhygiene.Checker(allow_domains="mailinator.com")


def test_provider_rule() -> None:
    r = mailhygiene.ProviderRule("Bücher.Example", strip_tag=True, canonical_domain="Books.Example", provider="acme")
    assert (r.domain, r.canonical_domain, r.strip_dots, r.strip_tag, r.provider, r.source) == (
        "xn--bcher-kva.example", "books.example", False, True, "acme", "user",
    )
    assert repr(r).startswith("ProviderRule('xn--bcher-kva.example', strip_dots=False, strip_tag=True")
    c = mailhygiene.Checker(provider_rules=[r])
    assert c.check("a+b@bücher.example").canonical == "a@books.example"


def test_help_is_useful() -> None:
    doc = mailhygiene.check.__doc__ or ""
    assert "exact" in doc and ">>>" in doc
    assert mailhygiene.check.__text_signature__ == "(address, *, exact=False)"
    for name in mailhygiene.__all__:
        obj = getattr(mailhygiene, name)
        if callable(obj):
            assert obj.__doc__, name


