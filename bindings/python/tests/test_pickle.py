"""Results, checkers, suppression lists and every value type pickle exactly: what
multiprocessing, joblib, concurrent.futures and Dask send to worker processes."""

from __future__ import annotations

import copy
import json
import multiprocessing
import pickle
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, TypeVar

import pytest

import mailhygiene
from mailhygiene import (
    Address,
    Bounce,
    Checker,
    ProviderRule,
    Reject,
    Status,
    SuppressionList,
    SuppressionRecord,
)

PROTOCOLS = range(2, pickle.HIGHEST_PROTOCOL + 1)
EXPORTS = Path(__file__).resolve().parents[3] / "examples" / "exports"
NOW = datetime(2025, 1, 1, tzinfo=timezone.utc)
T = datetime(2024, 6, 1, 12, 0, tzinfo=timezone.utc)

# Inline and whole rows, long inputs kept as the caller's str, invalid ones, lone surrogates.
INPUTS = [
    '"Jane" <Jane.Doe+promo@googlemail.com>',
    "bob@yaho.com",
    "john..doe@example.com",
    "noreply@mailinator.com",
    "mailto:Jürgen@Bücher.Example?subject=x",
    "jo\ud800hn@example.com",
    "x" * 60 + "@" + "long-domain-name." * 4 + "example.com",
    "",
]

# Every option changes at least one answer of PROBES (checked against the default checker).
CHECKER_ARGS: dict[str, Any] = {
    "allow_quoted_local": True,
    "allow_domain_literal": True,
    "allow_single_label": True,
    "lenient_lengths": True,
    "add_domains": {"disposable": ["throwaway.example"], "free": ["freemail.example"]},
    "remove_domains": {"disposable": ["mailinator.com"]},
    "allow_domains": ["gmial.com"],
    "provider_rules": [
        ProviderRule("example.com", strip_dots=True, strip_tag=True, canonical_domain="example.org", provider="acme")
    ],
    "remove_provider_rules": ["googlemail.com"],
    "add_roles": {"chiefbeer": "executive"},
    "remove_roles": ["info"],
}
PROBES = [
    '"john doe"@example.net',
    "user@[192.0.2.1]",
    "root@localhost",
    "x" * 70 + "@example.net",
    "x@throwaway.example",
    "x@freemail.example",
    "x@mailinator.com",
    "x@gmial.com",
    "J.Doe+news@example.com",
    "J.Doe+news@googlemail.com",
    "chiefbeer@example.net",
    "info@example.net",
]

Picklable = TypeVar("Picklable")


def round_trip(obj: Picklable, protocol: int) -> Picklable:
    back = pickle.loads(pickle.dumps(obj, protocol=protocol))
    assert type(back) is type(obj)
    return back  # type: ignore[no-any-return]


def answers(checker: Checker) -> list[dict[str, Any]]:
    return [checker.check(p).to_dict() for p in PROBES]


def spawn_pool() -> ProcessPoolExecutor:
    # A fresh interpreter: nothing is shared with this one but what pickling carries.
    return ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_results_round_trip(protocol: int) -> None:
    checker = Checker(**CHECKER_ARGS)
    results = [
        *(mailhygiene.check(i) for i in INPUTS),
        *(mailhygiene.check(i, exact=True) for i in INPUTS),
        *mailhygiene.check_many(INPUTS),
        *checker.check_many(INPUTS + PROBES),
    ]
    for r in results:
        back = round_trip(r, protocol)
        assert back == r
        assert back.to_dict() == r.to_dict()
        assert repr(back) == repr(r)
    # The fields come back, not a new check of the input (which the default checker judges
    # otherwise).
    r = checker.check("root@localhost")
    assert round_trip(r, protocol).valid and not mailhygiene.check("root@localhost").valid


def test_a_result_that_is_not_a_pickled_one_is_refused() -> None:
    fields = mailhygiene.check("a@example.com").to_dict()
    with pytest.raises(ValueError, match='unknown error code "no_such_code"'):
        mailhygiene.Result._from_dict({**fields, "error": "no_such_code"})
    with pytest.raises(ValueError, match='unknown warning code "shouted"'):
        mailhygiene.Result._from_dict({**fields, "warnings": ["shouted"]})
    missing = dict(fields)
    del missing["valid"]
    with pytest.raises(KeyError):
        mailhygiene.Result._from_dict(missing)


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_checkers_round_trip_with_their_configuration(protocol: int) -> None:
    checker = Checker(**CHECKER_ARGS)
    default = Checker()
    for probe, mine, theirs in zip(PROBES, answers(checker), answers(default)):
        assert mine != theirs, probe  # the probe sees its option
    back = round_trip(checker, protocol)
    assert answers(back) == answers(checker)
    assert back.canonical("J.Doe+news@example.com") == "jdoe@example.org"
    assert back.classify("chiefbeer@example.net").role == "executive"
    assert not back.is_role("info@example.net")
    assert answers(round_trip(default, protocol)) == answers(default)


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_provider_rules_round_trip(protocol: int) -> None:
    rule = CHECKER_ARGS["provider_rules"][0]
    back = round_trip(rule, protocol)
    assert repr(back) == repr(rule)
    assert (back.domain, back.canonical_domain, back.provider, back.source) == (
        "example.com", "example.org", "acme", "user",
    )
    plain = round_trip(ProviderRule("Bücher.Example"), protocol)
    assert (plain.domain, plain.canonical_domain, plain.strip_dots, plain.provider) == (
        "xn--bcher-kva.example", None, False, "custom",
    )


def dotless() -> Checker:
    return Checker(provider_rules=[ProviderRule("example.com", strip_dots=True)])


def suppression_list() -> SuppressionList:
    """A list with every setting a copy must keep, and records of every kind."""
    lst = SuppressionList(
        policy='[scope]\ncomplaint = "all"',  # complaints block critical mail too
        checker=dotless(),
        now=NOW,
        hash_key="secret",
    )
    lst.set_stream("receipts", transactional=True, system="postmark")
    lst.load(EXPORTS / "ses", "ses", stream="transactional")
    lst.add(SuppressionRecord("J.Doe@example.com", "complaint", system="crm", event_time=T))
    lst.add(SuppressionRecord("x@example.net", "unsubscribe", system="mailgun", scope="list:7", stream="shop"))
    return lst


def same_list(a: SuppressionList, b: SuppressionList) -> None:
    assert list(b) == list(a)
    assert (len(b), b.key_count, b.now, b.streams()) == (len(a), a.key_count, a.now, a.streams())
    addresses = [r.address for r in a] + ["jdoe@example.com", "nobody@example.net"]
    for address in addresses:
        sa, sb = a.status(address), b.status(address)
        assert (sb.suppressed, sb.reason, sb.scope, sb.since, sb.sources) == (
            sa.suppressed, sa.reason, sa.scope, sa.since, sa.sources,
        ), address
        for kind in ("marketing", "transactional", "critical"):
            assert sb.blocks(kind) == sa.blocks(kind), (address, kind)
    assert [r.canonical for r in b.rows()] == [r.canonical for r in a.rows()]
    assert [r.canonical for r in b.missing_for("receipts")] == [r.canonical for r in a.missing_for("receipts")]


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_suppression_lists_round_trip(protocol: int) -> None:
    lst = suppression_list()
    assert len(lst) > 3 and any(r.file for r in lst)
    back = round_trip(lst, protocol)
    same_list(lst, back)
    # What the settings decide, kept: the policy, the checker's rule, the stream declaration.
    assert back.status("J.Doe@example.com").blocks("critical")
    assert back.status("jdoe@example.com").reason == "complaint"
    assert back.streams()["receipts"] == {"transactional": True, "system": "postmark"}
    assert back.now == NOW
    # The copy is a list of its own.
    back.add(SuppressionRecord("new@example.net", "manual", system="crm"))
    assert len(back) == len(lst) + 1


def test_a_suppression_list_following_the_clock_still_follows_it() -> None:
    lst = SuppressionList()
    lst.add(SuppressionRecord("a@example.com", "complaint", system="ses"))
    back = copy.deepcopy(lst)
    assert list(back) == list(lst)
    assert abs((back.now - datetime.now(timezone.utc)).total_seconds()) < 60


def test_hashed_keys_round_trip(tmp_path: Path) -> None:
    plain = suppression_list()
    keyed = tmp_path / "keyed.csv"
    plain.write_hashed(keyed, hmac_key="secret")
    theirs = SuppressionList(now=NOW, hash_key="secret", checker=dotless())
    theirs.load(keyed)
    assert all(r.canonical.startswith("hmac-sha256:") for r in theirs), list(theirs)
    back = round_trip(theirs, pickle.DEFAULT_PROTOCOL)
    same_list(theirs, back)
    assert back.status("J.Doe@example.com").reason == "complaint"  # matched with the HMAC key


def test_a_state_that_is_not_a_pickled_list_is_refused() -> None:
    state = suppression_list().__reduce__()[2]
    with pytest.raises(ValueError, match="not a pickled SuppressionList"):
        SuppressionList().__setstate__({**state, "records": "[{"})
    with pytest.raises(mailhygiene.SuppressionError):
        SuppressionList().__setstate__({**state, "policy": "precedence = 5"})


def test_through_a_process_pool() -> None:
    checker = Checker(**CHECKER_ARGS)
    lst = suppression_list()
    with spawn_pool() as pool:
        # Inputs and checker go to the worker, results come back.
        got = pool.submit(checker.check_many, PROBES).result()
        assert got == checker.check_many(PROBES)
        batches = [INPUTS[:4], INPUTS[4:]]
        assert [r for batch in pool.map(mailhygiene.check_many, batches) for r in batch] == mailhygiene.check_many(INPUTS)
        # A list goes to the worker and back.
        same_list(lst, pool.submit(copy.copy, lst).result())
        # A bug in the worker comes back as the exception it raised there.
        with pytest.raises(mailhygiene.InternalError, match="^test panic$"):
            pool.submit(mailhygiene._native._panic_for_tests).result()


def test_through_multiprocessing() -> None:
    ctx = multiprocessing.get_context("spawn")
    checker = Checker(**CHECKER_ARGS)
    with ctx.Pool(1) as pool:
        assert pool.map(checker.check, PROBES) == [checker.check(p) for p in PROBES]


def public_view(value: Any) -> Any:
    """What a caller can read of `value`: for the package's own objects, their type, `repr`
    and every public attribute, recursively."""
    if isinstance(value, (list, tuple)):
        return [public_view(v) for v in value]
    if isinstance(value, dict):
        return {k: public_view(v) for k, v in value.items()}
    if type(value).__module__ != "mailhygiene":
        return value
    attributes = {
        name: public_view(getattr(value, name))
        for name in dir(value)
        if not name.startswith("_") and not callable(getattr(value, name))
    }
    return (type(value).__name__, repr(value), attributes)


def same_value(back: Any, value: Any) -> None:
    if type(value).__eq__ is not object.__eq__:
        assert back == value
    assert public_view(back) == public_view(value)
    if hasattr(value, "blocks"):  # Status, Restriction
        for kind in ("marketing", "transactional", "critical"):
            assert back.blocks(kind) == value.blocks(kind), (value, kind)
            assert back.blocks(kind, "list:7") == value.blocks(kind, "list:7"), (value, kind)


# A Postfix DSN's Diagnostic-Code line, and a Spamhaus block.
DSN_USER_UNKNOWN = (
    "smtp; 550 5.1.1 <jane@example.com>: Recipient address rejected: User unknown in virtual mailbox table"
)
DSN_BLOCKED = "smtp;554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org"


def values(tmp_path: Path) -> list[Any]:
    """Realistic values of every value type, the facts each test relies on asserted here."""
    permissive = Checker(**CHECKER_ARGS)
    addresses = [
        mailhygiene.parse("Jürgen@Bücher.Example"),
        mailhygiene.normalize(' "Jane" <Jane.Doe@Example.COM> '),
        # Valid only with the checker's options: kept as parsed, not parsed again.
        permissive.parse("root@LocalHost"),
        permissive.parse('"john doe"@example.net'),
        permissive.parse("user@[192.0.2.1]"),
    ]
    assert [a.domain_ascii for a in addresses] == [
        "xn--bcher-kva.example", "example.com", "localhost", "example.net", "[192.0.2.1]",
    ]
    suggestion = mailhygiene.suggest("john@gmial.com")
    assert suggestion is not None and suggestion.address == "john@gmail.com"
    bounces = [mailhygiene.classify_bounce(DSN_USER_UNKNOWN), mailhygiene.classify_bounce(DSN_BLOCKED)]
    assert [(b.class_, b.sub_reason, b.smtp_reply) for b in bounces] == [
        ("hard", "user_unknown", 550), ("block", "reputation", 554),
    ]
    record = SuppressionRecord(
        "Jane@Example.com", "hard_bounce", system="postfix", scope="list:7", stream="news",
        event_time=T, sub_reason="user_unknown", source_account="mx1", source_reason="bounced",
        smtp_reply=550, enhanced_status="5.1.1", diagnostic=DSN_USER_UNKNOWN,
    )
    lst = suppression_list()
    loaded = [r for r in lst if r.file]
    bare = tmp_path / "bare.txt"
    bare.write_text("good@example.com\nnot an address\njo@@example.com\n")
    summary = lst.load(bare, stream="crm")
    assert [(r.line, r.code, r.raw) for r in summary.rejects] == [
        (2, "whitespace", "not an address"), (3, "multiple_at", "jo@@example.com"),
    ]
    statuses = [lst.status(a) for a in ("J.Doe@example.com", "x@example.net", "nobody@example.net", "not an address")]
    restrictions = [r for s in statuses for r in s.restrictions]
    assert statuses[0].suppressed and statuses[0].reason == "complaint" and statuses[0].sources
    assert statuses[1].scope == "list:7" and statuses[1].blocks("marketing", "list:7")
    assert not statuses[2].suppressed and statuses[3].canonical is None
    assert restrictions and lst.rows()
    classifications = [mailhygiene.classify("noreply@mailinator.com"), permissive.classify("chiefbeer@example.net")]
    return [
        *addresses, suggestion, *classifications, *bounces, record, *loaded, *statuses,
        *restrictions, *lst.rows(), *summary.rejects, summary,
    ]


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_value_types_round_trip(protocol: int, tmp_path: Path) -> None:
    for value in values(tmp_path):
        same_value(round_trip(value, protocol), value)
    # The value comes back as it was: an address valid only under the checker's options stays.
    back = round_trip(Checker(allow_single_label=True).parse("root@localhost"), protocol)
    assert (str(back), back.domain, back.local) == ("root@localhost", "localhost", "root")
    with pytest.raises(mailhygiene.InvalidAddressError):
        mailhygiene.parse("root@localhost")


def test_every_public_class_pickles(tmp_path: Path) -> None:
    classes = {
        obj for name in mailhygiene.__all__
        if isinstance(obj := getattr(mailhygiene, name), type) and not issubclass(obj, BaseException)
    }
    covered = {type(v) for v in values(tmp_path)} | {
        mailhygiene.Result, Checker, ProviderRule, SuppressionList,  # the tests above
    }
    assert classes == covered


def test_a_state_that_is_not_a_pickled_value_is_refused() -> None:
    address = mailhygiene.parse("Jürgen@Bücher.Example")
    _, (state,) = address.__reduce__()
    assert Address._from_state(state) == address
    parts = {"local": "Jürgen", "domain": "bücher.example", "domain_ascii": "xn--bcher-kva.example"}
    for bad in (
        {**parts, "domain_ascii": "bücher.example"},  # not A-labels
        {**parts, "domain": "bücher@example"},
        {**parts, "local": ""},
        {"local": "Jürgen", "domain": "bücher.example"},
    ):
        with pytest.raises(ValueError, match="^not a pickled Address: "):
            Address._from_state(json.dumps(bad))
    bounce = json.loads(mailhygiene.classify_bounce(DSN_USER_UNKNOWN).__reduce__()[1][0])
    with pytest.raises(ValueError, match="^not a pickled Bounce: unknown variant `mild`"):
        Bounce._from_state(json.dumps({**bounce, "class": "mild"}))
    lst = SuppressionList()
    lst.add(SuppressionRecord("a@example.com", "complaint", system="ses"))
    status = json.loads(lst.status("a@example.com").__reduce__()[1][0])
    with pytest.raises(ValueError, match="^not a pickled Status: unknown variant `fatigue`"):
        Status._from_state(json.dumps({**status, "reason": "fatigue"}))
    with pytest.raises(ValueError, match="^not a pickled Status: unknown scope 'galaxy:1'"):
        Status._from_state(json.dumps({**status, "scope": "galaxy:1"}))
    with pytest.raises(ValueError, match="^not a pickled Status: missing field `why`"):
        Status._from_state(json.dumps({k: v for k, v in status.items() if k != "why"}))
    with pytest.raises(ValueError, match="^not a pickled Reject: "):
        Reject._from_state("[{")
    with pytest.raises(TypeError):
        Reject._from_state(None)  # type: ignore[arg-type]


def test_statuses_come_back_from_a_process_pool() -> None:
    lst = suppression_list()
    addresses = [r.address for r in lst] + ["jdoe@example.com", "nobody@example.net", "not an address"]
    with spawn_pool() as pool:
        # The list goes to the worker with its bound method; the statuses come back.
        got = list(pool.map(lst.status, addresses))
    assert [type(s) for s in got] == [Status] * len(addresses)
    for back, address in zip(got, addresses):
        same_value(back, lst.status(address))
    assert got[-2].suppressed is False and got[-3].reason == "complaint"
