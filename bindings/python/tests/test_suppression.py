"""SuppressionList: records, loading exports, status, merge, outputs, hashed matching."""

from __future__ import annotations

import csv
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

import mailhygiene
from mailhygiene import SuppressionError, SuppressionList, SuppressionRecord

EXPORTS = Path(__file__).resolve().parents[3] / "examples" / "exports"
NOW = datetime(2025, 1, 1, tzinfo=timezone.utc)
T = datetime(2024, 6, 1, 12, 0, tzinfo=timezone.utc)


def listing(*records: SuppressionRecord) -> SuppressionList:
    lst = SuppressionList(now=NOW)
    lst.extend(records)
    return lst


def test_record_fields() -> None:
    r = SuppressionRecord(
        "Jane@Example.com", "hard_bounce", system="ses", scope="all", stream="news",
        event_time=T, sub_reason="user_unknown", smtp_reply=550, enhanced_status="5.1.1",
        diagnostic="no such user", source_account="eu-west-1", source_reason="Permanent",
    )
    assert (r.address, r.reason, r.scope, r.source_system, r.source_stream) == (
        "Jane@Example.com", "hard_bounce", "all", "ses", "news",
    )
    assert r.event_time == T
    assert (r.sub_reason, r.smtp_reply, r.enhanced_status, r.diagnostic) == (
        "user_unknown", 550, "5.1.1", "no such user",
    )
    assert (r.source_account, r.source_reason, r.canonical, r.file, r.line) == (
        "eu-west-1", "Permanent", "", "", 0,
    )
    assert r == SuppressionRecord(
        "Jane@Example.com", "hard_bounce", system="ses", scope="all", stream="news",
        event_time=int(T.timestamp()), sub_reason="user_unknown", smtp_reply=550,
        enhanced_status="5.1.1", diagnostic="no such user", source_account="eu-west-1",
        source_reason="Permanent",
    )
    assert "SuppressionRecord('Jane@Example.com', 'hard_bounce'" in repr(r)


def test_record_rejects_unknown_codes_and_naive_times() -> None:
    with pytest.raises(ValueError, match="reason"):
        SuppressionRecord("a@example.com", "spam", system="ses")
    with pytest.raises(ValueError, match="scope"):
        SuppressionRecord("a@example.com", "complaint", system="ses", scope="everything")
    with pytest.raises(ValueError, match="naive"):
        SuppressionRecord("a@example.com", "complaint", system="ses", event_time=datetime(2024, 1, 1))
    with pytest.raises(TypeError):
        SuppressionRecord("a@example.com", "complaint")  # type: ignore[call-arg]
    assert "complaint" in mailhygiene.SUPPRESSION_REASONS
    assert "ses" in mailhygiene.SYSTEMS


def test_added_addresses_must_be_addresses_and_are_stored_normalized() -> None:
    lst = SuppressionList(now=NOW)
    for bad, code in [("", "empty"), ("not an address", "whitespace")]:
        with pytest.raises(mailhygiene.InvalidAddressError) as e:
            lst.add(SuppressionRecord(bad, "complaint", system="crm"))
        assert e.value.code == code
    lst.add(SuppressionRecord(" Bob <Bob@Example.COM> ", "complaint", system="crm", event_time=T))
    assert [(r.canonical, r.address) for r in lst.rows()] == [("bob@example.com", "Bob@example.com")]


def test_times_that_are_not_times_are_refused() -> None:
    for bad in [float("nan"), float("inf"), 2**62]:
        with pytest.raises(ValueError):
            SuppressionRecord("a@example.com", "complaint", system="ses", event_time=bad)
        with pytest.raises(ValueError):
            SuppressionList(now=NOW).status("a@example.com", at=bad)


def test_status_with_reason_and_canonical_matching() -> None:
    lst = listing(SuppressionRecord("jane.doe@gmail.com", "complaint", system="ses", stream="news", event_time=T))
    s = lst.status("JaneDoe+promo@googlemail.com")
    assert (s.suppressed, s.reason, s.scope, s.canonical) == (True, "complaint", "all", "janedoe@gmail.com")
    assert s.since == T and s.expires is None
    assert s.sources == ("ses:news",)
    assert s.blocks("marketing") and s.blocks("transactional") and not s.blocks("critical")
    assert s.why
    (r,) = s.restrictions
    assert (r.reason, r.scope, r.spares_critical, r.since, r.sources) == ("complaint", "all", True, T, ("ses:news",))
    assert r.blocks() and not r.blocks("critical")
    assert "Status('JaneDoe+promo@googlemail.com', suppressed=True, reason='complaint')" == repr(s)
    clean = lst.status("someone@example.com")
    assert (clean.suppressed, clean.reason, clean.restrictions) == (False, None, ())
    with pytest.raises(ValueError, match="mail kind"):
        s.blocks("bulk")


def test_status_at_a_time_and_invalid_input() -> None:
    lst = listing(SuppressionRecord("a@example.com", "unsubscribe", system="mailgun", event_time=T))
    assert not lst.status("a@example.com", at=T - timedelta(days=1)).suppressed
    assert lst.status("a@example.com", at=int((T + timedelta(days=1)).timestamp())).suppressed
    bad = lst.status("not an address")
    assert not bad.suppressed and bad.canonical is None


def test_scoped_unsubscribe() -> None:
    lst = listing(SuppressionRecord("a@example.com", "unsubscribe", system="sendgrid", scope="group:7", event_time=T))
    s = lst.status("a@example.com")
    assert s.suppressed and s.scope == "group:7"
    assert s.blocks("marketing", scope="group:7")
    assert not s.blocks("marketing", scope="group:8")
    assert not s.blocks("marketing")


def test_merge_is_a_union() -> None:
    a = listing(SuppressionRecord("a@example.com", "complaint", system="ses", event_time=T))
    b = listing(SuppressionRecord("b@example.com", "hard_bounce", system="mailgun", event_time=T))
    a.merge(b)
    assert len(a) == 2 and a.key_count == 2
    assert a.status("b@example.com").reason == "hard_bounce"
    assert len(b) == 1
    a.merge(b)
    assert len(a) == 2


def test_iteration_and_records() -> None:
    lst = listing(
        SuppressionRecord("B@example.com", "complaint", system="ses", event_time=T),
        SuppressionRecord("a@example.com", "unsubscribe", system="mailgun", event_time=T),
        SuppressionRecord("a@example.com", "unsubscribe", system="mailgun", event_time=T),
    )
    records = list(lst)
    assert [(r.canonical, r.reason) for r in records] == [("a@example.com", "unsubscribe"), ("b@example.com", "complaint")]
    assert records == lst.records()
    assert "SuppressionList(records=2, keys=2)" == repr(lst)


def test_write_csv_reads_back(tmp_path: Path) -> None:
    lst = listing(
        SuppressionRecord("a@example.com", "complaint", system="ses", stream="news", event_time=T),
        SuppressionRecord("b@example.com", "hard_bounce", system="mailgun", stream="shop", event_time=T),
    )
    out = tmp_path / "master.csv"
    assert lst.write_csv(out) == {"complaint": 1, "hard_bounce": 1}
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [(r["canonical"], r["reason"]) for r in rows] == [("a@example.com", "complaint"), ("b@example.com", "hard_bounce")]
    assert [(r.canonical, r.reason, r.scope) for r in lst.rows()] == [
        ("a@example.com", "complaint", "all"), ("b@example.com", "hard_bounce", "all"),
    ]
    again = SuppressionList(now=NOW)
    summary = again.load(out)
    assert summary.files[0]["rows_used"] == 2 and summary.rejects == []
    assert again.status("a@example.com").reason == "complaint"
    assert [(r.canonical, r.reason, r.scope, r.since) for r in again.rows()] == [
        (r.canonical, r.reason, r.scope, r.since) for r in lst.rows()
    ]


def test_missing_for_a_stream() -> None:
    lst = listing(
        SuppressionRecord("a@example.com", "complaint", system="ses", stream="news", event_time=T),
        SuppressionRecord("b@example.com", "complaint", system="mailgun", stream="shop", event_time=T),
    )
    assert [r.canonical for r in lst.missing_for("shop")] == ["a@example.com"]
    assert [r.canonical for r in lst.missing_for("news")] == ["b@example.com"]
    lst.set_stream("receipts", transactional=True, system="postmark")
    assert lst.streams()["receipts"] == {"transactional": True, "system": "postmark"}


def test_hashed_matching(tmp_path: Path) -> None:
    lst = listing(SuppressionRecord("jane.doe@gmail.com", "complaint", system="ses", event_time=T))
    plain, keyed = tmp_path / "hashed.csv", tmp_path / "hmac.csv"
    assert lst.write_hashed(plain) == (1, 0)
    assert lst.write_hashed(keyed, hmac_key=b"secret") == (1, 0)
    assert "jane" not in plain.read_text() and "jane" not in keyed.read_text()

    theirs = SuppressionList(now=NOW)
    theirs.load(plain)
    assert theirs.status("Jane.Doe+x@googlemail.com").reason == "complaint"

    without_key = SuppressionList(now=NOW)
    without_key.load(keyed)
    assert not without_key.status("jane.doe@gmail.com").suppressed
    with_key = SuppressionList(now=NOW, hash_key="secret")
    with_key.load(keyed)
    assert with_key.status("jane.doe@gmail.com").reason == "complaint"


@pytest.mark.skipif(not EXPORTS.is_dir(), reason="examples/exports is not in this checkout")
def test_load_a_folder_of_exports() -> None:
    lst = SuppressionList(now=NOW)
    summary = lst.load(EXPORTS / "ses", "ses", stream="transactional")
    assert summary.files and all(f["stream"] == "transactional" for f in summary.files)
    assert len(lst) > 0
    detected = SuppressionList(now=NOW)
    detected.load(EXPORTS / "mailgun" / "unsubscribes.csv", stream="shop")
    assert detected.status("dave@outlook.example").suppressed
    assert "mailgun:shop" in detected.status("dave@outlook.example").sources


def test_load_with_what_an_export_does_not_say() -> None:
    # A CRM's own semicolon CSV (examples/exports/manifest.tsv: 3 records, line 5 rejected).
    crm = SuppressionList(now=NOW)
    summary = crm.load(
        EXPORTS / "generic" / "crm_do_not_contact.csv", stream="crm",
        email_column="Contact Email", reason_column="Opt-out Type", date_column="Changed",
        date_zone="Europe/Berlin", default_reason="unsubscribe",
    )
    assert [(r.line, r.code) for r in summary.rejects] == [(5, "single_label_domain")]
    assert len(crm) == 3
    jane = crm.status("janedoe@gmail.com")
    assert jane.reason == "unsubscribe" and "generic:crm" in jane.sources
    # 2024-03-01 11:00:00 in Berlin (CET, UTC+1) is 10:00 UTC.
    assert jane.restrictions[0].since == datetime(2024, 3, 1, 10, 0, tzinfo=timezone.utc)
    with pytest.raises(ValueError, match="email_column"):
        crm.load(EXPORTS / "generic", reason_column="Opt-out Type")
    # The Mailchimp audience the export belongs to scopes its unsubscribes.
    mc = SuppressionList(now=NOW)
    mc.load(EXPORTS / "mailchimp" / "unsubscribed_members_export_4f1a2b9c.csv", "mailchimp", list_id="4f1a2b9c")
    scopes = {r.scope for r in mc.rows()}
    assert scopes == {"list:4f1a2b9c"}, scopes


def test_load_reports_rejects(tmp_path: Path) -> None:
    f = tmp_path / "ses.csv"
    f.write_text("good@example.com,BOUNCE\nnot-an-address,BOUNCE\n", encoding="utf-8")
    lst = SuppressionList(now=NOW)
    summary = lst.load(f, "ses")
    assert summary.files[0]["rows_read"] == 2
    (reject,) = summary.rejects
    assert (reject.line, reject.code) == (2, "missing_at")
    assert reject.raw.startswith("not-an-address")
    assert lst.status("good@example.com").reason == "hard_bounce"


def test_load_a_bare_address_list(tmp_path: Path) -> None:
    # A "do-not-mail.txt": one address per line, no header.
    f = tmp_path / "do-not-mail.txt"
    f.write_text("bob@example.com\nnot-an-address\nEve@Example.org\n", encoding="utf-8")
    lst = SuppressionList(now=NOW)
    summary = lst.load(f, stream="crm")
    assert summary.files[0]["format"] == "generic"
    assert summary.files[0]["records"] == {"manual": 2}
    assert [(r.line, r.code) for r in summary.rejects] == [(2, "missing_at")]
    s = lst.status("eve@example.org")
    assert (s.reason, s.scope, s.sources) == ("manual", "all", ("generic:crm",))
    assert not lst.status("ann@example.com").suppressed


def test_load_errors(tmp_path: Path) -> None:
    lst = SuppressionList()
    with pytest.raises(FileNotFoundError):
        lst.load(tmp_path / "missing.csv")
    with pytest.raises(SuppressionError) as info:
        lst.load(tmp_path, "nosuchsystem")
    assert info.value.code == "unknown_system"
    weird = tmp_path / "weird.csv"
    weird.write_text("foo,bar\n1,2\n", encoding="utf-8")
    with pytest.raises(SuppressionError) as info:
        lst.load(weird)
    assert info.value.code == "unknown_format"
    assert isinstance(info.value, ValueError)


def test_policy() -> None:
    with pytest.raises(SuppressionError) as info:
        SuppressionList(policy="precedence = 5")
    assert info.value.code == "invalid_policy"
    SuppressionList(policy="")


def test_now() -> None:
    lst = SuppressionList(now=NOW)
    assert lst.now == NOW
    lst.now = T
    assert lst.now == T


def test_without_a_fixed_now_the_present_follows_the_clock() -> None:
    import time

    lst = SuppressionList()
    # A bounce a second after the list was made: a list kept in a server or notebook must
    # see it once it has happened.
    later = datetime.now(timezone.utc) + timedelta(seconds=1)
    lst.add(SuppressionRecord("a@example.com", "hard_bounce", system="ses", event_time=later))
    time.sleep(1.5)
    assert lst.status("a@example.com").suppressed
    assert [r.canonical for r in lst.rows()] == ["a@example.com"]
    assert lst.now >= later.replace(microsecond=0)
    # A fixed present stays.
    lst.now = NOW
    assert not lst.status("a@example.com").suppressed
    assert lst.rows() == []


def test_merging_a_list_into_itself_is_a_clear_error() -> None:
    lst = listing(SuppressionRecord("a@example.com", "complaint", system="ses", event_time=T))
    with pytest.raises(RuntimeError):
        lst.merge(lst)
    assert len(lst) == 1


# As Excel on Windows saves CSV: Windows-1252, "é" "ô" as 0xE9 0xF4, curly quotes 0x93 0x94
# (www.unicode.org/Public/MAPPINGS/VENDORS/MICSFT/WINDOWS/CP1252.TXT).
CP1252 = b"email,note\r\nann@example.com,\x93moved\x94\r\nj\xe9r\xf4me@example.com,x\r\n"


def test_load_decodes_windows_1252_when_told_and_refuses_it_otherwise(tmp_path: Path) -> None:
    path = tmp_path / "dnc.csv"
    path.write_bytes(CP1252)

    def load(lst: SuppressionList, path: Path, **encoding: str) -> None:
        lst.load(path, stream="crm", email_column="email", default_reason="manual", **encoding)

    lst = SuppressionList(now=NOW)
    with pytest.raises(SuppressionError) as e:
        load(lst, path)
    assert e.value.code == "not_utf8"
    assert "line 2, column 17: byte 0x93 is not UTF-8" in e.value.message
    assert "windows-1252" in e.value.message

    load(lst, path, encoding="windows-1252")
    assert sorted(r.address for r in lst.records()) == ["ann@example.com", "jérôme@example.com"]

    # A UTF-8 file stays UTF-8 whatever the option says: "é", not "Ã©".
    utf8 = tmp_path / "utf8.csv"
    utf8.write_text("email\r\nzoé@example.com\r\n", encoding="utf-8")
    lst = SuppressionList(now=NOW)
    load(lst, utf8, encoding="windows-1252")
    assert [r.address for r in lst.records()] == ["zoé@example.com"]

    with pytest.raises(SuppressionError) as e:
        load(lst, path, encoding="windows-9999")
    assert e.value.code == "unknown_encoding"
