//! The merge rules, one behaviour per test. Expected values are worked out by hand from the
//! issue's rules and the default policy (data/policy.toml): 5 soft bounces spanning ≥ 15 days
//! within 180, escalations last 90 days doubling, unsubscribes never transactional.
use mailhygiene::suppression::{
    parse_time, Consent, KeyHash, MailKind, Policy, Reason, Scope, StreamInfo, StreamKind,
    SuppressionList, SuppressionRecord, System,
};

const DAY: i64 = 86_400;
/// Day 0 of every scenario: 2026-01-01T00:00:00Z.
const T0: i64 = 1_767_225_600;

fn day(d: i64) -> i64 {
    T0 + d * DAY
}

fn rec(addr: &str, reason: Reason, scope: Scope, d: Option<i64>) -> SuppressionRecord {
    let mut r = SuppressionRecord::new("", addr, reason, scope, "generic");
    r.event_time = d.map(day);
    r.source_stream = "news".into();
    r
}

fn list_at(now_day: i64, records: Vec<SuppressionRecord>) -> SuppressionList {
    let mut l = SuppressionList::default();
    l.set_now(day(now_day));
    l.extend(records);
    l
}

fn top(l: &SuppressionList, addr: &str) -> Option<Reason> {
    l.status(addr, None).reason
}

/// The reasons of every active restriction of `input`, most restrictive first.
fn reasons(l: &SuppressionList, input: &str) -> Vec<Reason> {
    l.status(input, None)
        .restrictions
        .iter()
        .map(|r| r.reason)
        .collect()
}

const A: &str = "a@example.com";

#[test]
fn t0_is_2026_01_01() {
    assert_eq!(parse_time("2026-01-01T00:00:00Z"), Some(T0));
}

#[test]
fn precedence_most_restrictive_first() {
    use Reason::*;
    let order = [
        (Erasure, Scope::All),
        (Manual, Scope::All),
        (Complaint, Scope::All),
        (HardBounce, Scope::All),
        (Unsubscribe, Scope::Marketing),
        (Unsubscribe, Scope::Group("7".into())),
        (Sunset, Scope::Marketing),
    ];
    // With all of them present, each one decides until it is removed.
    for i in 0..order.len() {
        let recs = order[i..]
            .iter()
            .map(|(r, s)| rec(A, *r, s.clone(), Some(1)))
            .collect();
        let l = list_at(10, recs);
        let s = l.status(A, None);
        assert_eq!(s.reason, Some(order[i].0), "from {i}");
        assert_eq!(s.scope.as_ref(), Some(&order[i].1), "from {i}");
        assert_eq!(s.restrictions.len(), order.len() - i);
    }
    // hard_bounce = invalid: both stay, both active.
    let l = list_at(
        10,
        vec![
            rec(A, Invalid, Scope::All, Some(1)),
            rec(A, HardBounce, Scope::All, Some(2)),
        ],
    );
    let both = reasons(&l, A);
    assert_eq!(both.len(), 2);
    assert!(both.contains(&HardBounce) && both.contains(&Invalid));
}

#[test]
fn escalated_ranks_between_scoped_unsubscribe_and_sunset() {
    let mut recs: Vec<_> = [0, 4, 8, 12, 16]
        .iter()
        .map(|&d| rec(A, Reason::SoftBounce, Scope::All, Some(d)))
        .collect();
    recs.push(rec(A, Reason::Sunset, Scope::Marketing, Some(17)));
    let l = list_at(20, recs.clone());
    assert_eq!(top(&l, A), Some(Reason::SoftBounceEscalated));
    recs.push(rec(
        A,
        Reason::Unsubscribe,
        Scope::List("x".into()),
        Some(17),
    ));
    let l = list_at(20, recs);
    assert_eq!(top(&l, A), Some(Reason::Unsubscribe));
}

#[test]
fn unsubscribe_never_reaches_transactional() {
    for scope in [Scope::All, Scope::Marketing, Scope::Transactional] {
        let l = list_at(5, vec![rec(A, Reason::Unsubscribe, scope, Some(1))]);
        let s = l.status(A, None);
        assert_eq!(s.scope, Some(Scope::Marketing));
        assert!(s.blocks(MailKind::Marketing));
        assert!(!s.blocks(MailKind::Transactional));
        assert!(!s.blocks(MailKind::Critical));
    }
    let g7 = Scope::Group("7".into());
    let l = list_at(5, vec![rec(A, Reason::Unsubscribe, g7.clone(), Some(1))]);
    let s = l.status(A, None);
    assert_eq!(s.scope, Some(g7.clone()));
    assert!(s.blocks_in(MailKind::Marketing, &g7));
    assert!(!s.blocks_in(MailKind::Marketing, &Scope::Group("8".into())));
    assert!(!s.blocks(MailKind::Marketing));
    assert!(!s.blocks_in(MailKind::Transactional, &g7));
}

#[test]
fn complaint_blocks_transactional_except_critical() {
    let l = list_at(
        5,
        vec![rec(A, Reason::Complaint, Scope::Marketing, Some(1))],
    );
    let s = l.status(A, None);
    assert_eq!(s.scope, Some(Scope::All));
    assert!(s.restrictions[0].spares_critical);
    assert!(s.blocks(MailKind::Marketing) && s.blocks(MailKind::Transactional));
    assert!(!s.blocks(MailKind::Critical));
    for r in [
        Reason::HardBounce,
        Reason::Invalid,
        Reason::Erasure,
        Reason::Manual,
    ] {
        let l = list_at(5, vec![rec(A, r, Scope::List("x".into()), Some(1))]);
        let s = l.status(A, None);
        assert_eq!(s.scope, Some(Scope::All), "{r}");
        assert!(s.blocks(MailKind::Critical), "{r}");
    }
}

fn softs(days: &[i64]) -> Vec<SuppressionRecord> {
    days.iter()
        .map(|&d| rec(A, Reason::SoftBounce, Scope::All, Some(d)))
        .collect()
}

#[test]
fn five_soft_bounces_spanning_15_days_escalate_for_90_days() {
    let l = list_at(20, softs(&[0, 4, 8, 12, 16]));
    let s = l.status(A, None);
    assert_eq!(s.reason, Some(Reason::SoftBounceEscalated));
    assert_eq!(s.since, Some(day(16)));
    assert_eq!(s.expires, Some(day(16 + 90)));
    // Still active the second before expiry, gone at it.
    assert!(l.status(A, Some(day(106) - 1)).suppressed);
    assert!(!l.status(A, Some(day(106))).suppressed);
    // Not yet escalated before the fifth bounce.
    assert!(!l.status(A, Some(day(15))).suppressed);
}

#[test]
fn four_bounces_or_a_short_span_do_not_escalate() {
    assert!(
        !list_at(30, softs(&[0, 4, 8, 12]))
            .status(A, None)
            .suppressed
    );
    // Five within 14 days: not enough span; a sixth on day 15 makes it.
    assert!(
        !list_at(30, softs(&[0, 3, 6, 9, 14]))
            .status(A, None)
            .suppressed
    );
    let l = list_at(30, softs(&[0, 3, 6, 9, 14, 15]));
    assert_eq!(l.status(A, None).since, Some(day(15)));
}

#[test]
fn same_bounce_from_two_sources_counts_once() {
    let mut recs = softs(&[0, 4, 8, 16]);
    let mut dup = rec(A, Reason::SoftBounce, Scope::All, Some(16));
    dup.source_system = "ses".into();
    recs.push(dup);
    assert!(!list_at(30, recs).status(A, None).suppressed);
}

#[test]
fn delivery_or_engagement_resets_the_count() {
    for reset in [Reason::Delivered, Reason::Engaged] {
        let mut recs = softs(&[0, 4, 8, 12, 16, 20, 24]);
        recs.push(rec(A, reset, Scope::All, Some(9)));
        // After the reset only 12..24 count: four bounces.
        assert!(
            !list_at(30, recs.clone()).status(A, None).suppressed,
            "{reset}"
        );
        recs.extend(softs(&[28]));
        let l = list_at(30, recs);
        assert_eq!(l.status(A, None).since, Some(day(28)), "{reset}");
    }
}

#[test]
fn a_reset_at_the_same_second_does_not_undo_the_bounce() {
    let mut recs = softs(&[0, 4, 8, 12, 16]);
    recs.push(rec(A, Reason::Delivered, Scope::All, Some(0)));
    assert!(list_at(20, recs).status(A, None).suppressed);
}

#[test]
fn blocks_and_ignored_soft_bounces_never_count() {
    let blocks: Vec<_> = [0, 4, 8, 12, 16]
        .iter()
        .map(|&d| rec(A, Reason::Block, Scope::All, Some(d)))
        .collect();
    assert!(!list_at(20, blocks).status(A, None).suppressed);
    let mut recs = softs(&[0, 4, 8, 12, 16]);
    recs[2].sub_reason = Some("expired".into());
    assert!(!list_at(20, recs.clone()).status(A, None).suppressed);
    recs[2].sub_reason = None;
    recs[2].enhanced_status = Some("4.7.1".into());
    assert!(!list_at(20, recs).status(A, None).suppressed);
}

#[test]
fn bounces_outside_the_180_day_lookback_drop_out() {
    // Days 0, 100 fall out of the window of day 400 (400 - 180 = 220).
    let l = list_at(500, softs(&[0, 100, 250, 300, 400]));
    assert!(!l.status(A, Some(day(401))).suppressed);
    let l = list_at(500, softs(&[230, 250, 300, 350, 400]));
    assert_eq!(
        l.status(A, Some(day(401))).reason,
        Some(Reason::SoftBounceEscalated)
    );
}

#[test]
fn repeat_escalation_doubles() {
    let l = list_at(140, softs(&[0, 4, 8, 12, 16, 120, 124, 128, 132, 136]));
    let s = l.status(A, None);
    assert_eq!(s.since, Some(day(136)));
    assert_eq!(s.expires, Some(day(136 + 180)));
    assert!(l.status(A, Some(day(315))).suppressed);
    assert!(!l.status(A, Some(day(316))).suppressed);
}

#[test]
fn escalation_cleared_by_later_delivery() {
    let mut recs = softs(&[0, 4, 8, 12, 16]);
    recs.push(rec(A, Reason::Delivered, Scope::All, Some(30)));
    let l = list_at(40, recs);
    assert!(l.status(A, Some(day(29))).suppressed);
    assert!(!l.status(A, None).suppressed);
}

fn opt_in(d: Option<i64>, scope: Scope, evidence: bool) -> SuppressionRecord {
    let mut r = rec(A, Reason::OptIn, scope, d);
    if evidence {
        r.consent = Some(Consent {
            confirmed: true,
            ..Consent::default()
        });
    }
    r
}

#[test]
fn opt_in_clears_unsubscribe_only_when_later_with_evidence() {
    let unsub = rec(A, Reason::Unsubscribe, Scope::Marketing, Some(10));
    let cases = [
        (Some(11), true, false), // later, evidence: cleared
        (Some(11), false, true), // no evidence
        (Some(10), true, true),  // equal time
        (Some(9), true, true),   // earlier
        (None, true, true),      // undated
    ];
    for (d, evidence, suppressed) in cases {
        let l = list_at(
            20,
            vec![unsub.clone(), opt_in(d, Scope::Marketing, evidence)],
        );
        assert_eq!(l.status(A, None).suppressed, suppressed, "{d:?} {evidence}");
    }
    // A legal basis is evidence too.
    let mut o = opt_in(Some(11), Scope::Marketing, false);
    o.consent = Some(Consent {
        legal_basis: Some("CONSENT_WITH_NOTICE".into()),
        ..Consent::default()
    });
    assert!(
        !list_at(20, vec![unsub.clone(), o])
            .status(A, None)
            .suppressed
    );
}

#[test]
fn opt_in_clears_only_within_its_scope() {
    let g7 = Scope::Group("7".into());
    // An opt-in to group 7 does not reopen all marketing…
    let l = list_at(
        20,
        vec![
            rec(A, Reason::Unsubscribe, Scope::Marketing, Some(10)),
            opt_in(Some(11), g7.clone(), true),
        ],
    );
    assert!(l.status(A, None).suppressed);
    // …an opt-in to marketing reopens group 7.
    let l = list_at(
        20,
        vec![
            rec(A, Reason::Unsubscribe, g7, Some(10)),
            opt_in(Some(11), Scope::Marketing, true),
        ],
    );
    assert!(!l.status(A, None).suppressed);
}

#[test]
fn opt_in_never_clears_complaint_erasure_manual_or_hard_bounce() {
    for r in [
        Reason::Complaint,
        Reason::Erasure,
        Reason::Manual,
        Reason::HardBounce,
    ] {
        let l = list_at(
            20,
            vec![
                rec(A, r, Scope::All, Some(10)),
                opt_in(Some(11), Scope::All, true),
            ],
        );
        assert_eq!(top(&l, A), Some(r));
    }
}

#[test]
fn opt_in_clears_sunset_and_so_does_later_engagement() {
    let sunset = rec(A, Reason::Sunset, Scope::Marketing, Some(10));
    let l = list_at(
        20,
        vec![sunset.clone(), opt_in(Some(11), Scope::Marketing, true)],
    );
    assert!(!l.status(A, None).suppressed);
    let l = list_at(
        20,
        vec![
            sunset.clone(),
            rec(A, Reason::Engaged, Scope::All, Some(11)),
        ],
    );
    assert!(!l.status(A, None).suppressed);
    let l = list_at(
        20,
        vec![sunset, rec(A, Reason::Engaged, Scope::All, Some(10))],
    );
    assert!(l.status(A, None).suppressed);
}

#[test]
fn hard_bounce_clears_only_on_strictly_later_delivery() {
    let hb = rec(A, Reason::HardBounce, Scope::All, Some(10));
    let cases = [
        (Some(11), false),
        (Some(10), true),
        (Some(9), true),
        (None, true),
    ];
    for (d, suppressed) in cases {
        let l = list_at(
            20,
            vec![hb.clone(), rec(A, Reason::Delivered, Scope::All, d)],
        );
        assert_eq!(l.status(A, None).suppressed, suppressed, "{d:?}");
    }
    // Engagement is not delivery evidence for this rule; complaints never clear.
    let l = list_at(20, vec![hb, rec(A, Reason::Engaged, Scope::All, Some(11))]);
    assert!(l.status(A, None).suppressed);
    let c = rec(A, Reason::Complaint, Scope::All, Some(10));
    let l = list_at(20, vec![c, rec(A, Reason::Delivered, Scope::All, Some(11))]);
    assert!(l.status(A, None).suppressed);
}

#[test]
fn undated_restrictions_are_never_cleared() {
    let l = list_at(
        20,
        vec![
            rec(A, Reason::HardBounce, Scope::All, None),
            rec(A, Reason::Delivered, Scope::All, Some(11)),
            rec(A, Reason::Unsubscribe, Scope::Marketing, None),
            opt_in(Some(11), Scope::All, true),
        ],
    );
    let s = l.status(A, None);
    assert_eq!(s.restrictions.len(), 2);
    assert_eq!(s.since, None);
}

#[test]
fn future_records_are_not_active_yet() {
    let l = list_at(
        20,
        vec![rec(A, Reason::Unsubscribe, Scope::Marketing, Some(10))],
    );
    assert!(!l.status(A, Some(day(9))).suppressed);
    assert!(l.status(A, Some(day(10))).suppressed);
}

#[test]
fn absence_from_one_system_is_not_a_signal() {
    let mut l = list_at(
        20,
        vec![rec(A, Reason::Unsubscribe, Scope::Marketing, Some(10))],
    );
    // Another system's export that knows other addresses, but not A, changes nothing for A.
    let other = list_at(
        20,
        vec![rec(
            "b@example.com",
            Reason::Delivered,
            Scope::All,
            Some(15),
        )],
    );
    let before = l.status(A, None);
    l.merge(&other);
    assert_eq!(l.status(A, None), before);
}

#[test]
fn the_latest_time_and_every_source_are_reported() {
    let mut a = rec(A, Reason::Unsubscribe, Scope::Marketing, Some(3));
    a.source_system = "mailgun".into();
    let mut b = rec(A, Reason::Unsubscribe, Scope::All, Some(5));
    b.source_system = "sendgrid".into();
    b.source_stream = "crm".into();
    let l = list_at(20, vec![a, b]);
    let s = l.status("A@EXAMPLE.COM", None);
    assert_eq!(s.canonical.as_deref(), Some(A));
    assert_eq!(s.since, Some(day(5)));
    assert_eq!(s.sources, vec!["mailgun:news", "sendgrid:crm"]);
    assert!(
        s.why
            .contains("unsubscribe (marketing mail) since 2026-01-06T00:00:00Z"),
        "{}",
        s.why
    );
}

#[test]
fn master_list_round_trips() {
    let mut recs = softs(&[0, 4, 8, 12, 16, 120, 124, 128, 132, 136]);
    recs.push(rec("b@example.com", Reason::Complaint, Scope::All, Some(3)));
    recs.push(rec(
        "b@example.com",
        Reason::Unsubscribe,
        Scope::Group("7".into()),
        None,
    ));
    let l = list_at(140, recs);
    let mut csv = Vec::new();
    assert_eq!(l.write_csv(&mut csv).unwrap().values().sum::<u64>(), 3);
    let text = String::from_utf8(csv.clone()).unwrap();
    let expected = "canonical,address,reason,scope,since,expires,sources\n\
        a@example.com,a@example.com,soft_bounce_escalated,all,2026-05-17T00:00:00Z,2026-11-13T00:00:00Z,generic:news\n\
        b@example.com,b@example.com,complaint,all,2026-01-04T00:00:00Z,,generic:news\n\
        b@example.com,b@example.com,unsubscribe,group:7,,,generic:news\n";
    assert_eq!(text, expected);

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("master.csv");
    std::fs::write(&path, &csv).unwrap();
    let mut back = SuppressionList::default();
    back.set_now(day(140));
    let summary = back.load_path(&path, None, "").unwrap();
    assert_eq!(summary.files[0].format, "master");
    assert_eq!(
        (summary.files[0].rows_read, summary.files[0].rows_used),
        (3, 3)
    );
    let mut again = Vec::new();
    back.write_csv(&mut again).unwrap();
    assert_eq!(String::from_utf8(again).unwrap(), expected);
    // The doubled expiry survives: still active on day 315, not on 316.
    assert!(back.status(A, Some(day(315))).suppressed);
    assert!(!back.status(A, Some(day(316))).suppressed);
}

#[test]
fn hashed_lists_match_addresses() {
    let l = list_at(
        20,
        vec![rec(
            "Jane.Doe@example.com",
            Reason::Complaint,
            Scope::All,
            Some(1),
        )],
    );
    let dir = tempfile::tempdir().unwrap();
    for (hash, name) in [
        (KeyHash::Sha256, "h.csv"),
        (KeyHash::HmacSha256(b"secret".to_vec()), "k.csv"),
    ] {
        let mut buf = Vec::new();
        assert_eq!(l.write_hashed(&mut buf, &hash).unwrap(), (1, 0));
        let text = String::from_utf8(buf.clone()).unwrap();
        assert!(text.starts_with(&format!("{},reason,scope,since,expires\n", hash.column())));
        assert!(!text.contains("example.com"));
        let path = dir.path().join(name);
        std::fs::write(&path, &buf).unwrap();
        let mut h = SuppressionList::default();
        h.set_now(day(20));
        if let KeyHash::HmacSha256(k) = &hash {
            h.set_hash_key(Some(k));
        }
        h.load_path(&path, None, "partner").unwrap();
        let s = h.status("jane.doe@example.com", None);
        assert_eq!(s.reason, Some(Reason::Complaint), "{name}");
        assert!(!h.status("john@example.com", None).suppressed);
        // The partner side can query by hash directly.
        assert!(h.status(&hash.key("jane.doe@example.com"), None).suppressed);
    }
    // Without the key, an HMAC list matches nothing.
    let mut h = SuppressionList::default();
    h.load_path(&dir.path().join("k.csv"), None, "partner")
        .unwrap();
    assert!(!h.status("jane.doe@example.com", None).suppressed);
}

/// Digests of canonical keys computed outside this code: `printf %s KEY | sha256sum` and
/// `printf %s KEY | openssl dgst -sha256 -hmac secret`.
const JANE_SHA256: &str = "86e0b9e56c17cc4d12387e1949b85053fbe73bc3ce5a1188713a9d300cc6133d";
const JANE_HMAC: &str = "3212eddab48c148e4a7d0489cca5956d880a4093c1047ed78f0b82384cf96e52";
const JOHN_SHA256: &str = "855f96e983f1f8e8be944692b6f719fd54329826cb62e98015efee8e2e071dd4";

#[test]
fn hashed_keys_match_plain_records() {
    let jane = "jane.doe@example.com";
    let mut l = list_at(20, vec![rec(jane, Reason::Complaint, Scope::All, Some(1))]);
    let s = l.status(&format!("sha256:{JANE_SHA256}"), None);
    assert_eq!(s.reason, Some(Reason::Complaint));
    // The answer names the key asked about, never the address behind it.
    assert_eq!(
        s.canonical.as_deref(),
        Some(&*format!("sha256:{JANE_SHA256}"))
    );
    assert!(!s.why.contains("example.com"), "{}", s.why);
    let upper = format!("sha256:{}", JANE_SHA256.to_uppercase());
    assert_eq!(l.status(&upper, None).reason, Some(Reason::Complaint));
    let r = l.blocking(&format!("sha256:{JANE_SHA256}"), MailKind::Marketing);
    assert_eq!(r.map(|r| r.reason), Some(Reason::Complaint));
    assert!(!l.status(&format!("sha256:{JOHN_SHA256}"), None).suppressed);
    // A record added after a hashed lookup is found by its hash too.
    l.add(rec(
        "john@example.com",
        Reason::HardBounce,
        Scope::All,
        Some(2),
    ));
    let s = l.status(&format!("sha256:{JOHN_SHA256}"), None);
    assert_eq!(s.reason, Some(Reason::HardBounce));
    // HMAC keys match only when the list holds the secret they were made with.
    let hmac = format!("hmac-sha256:{JANE_HMAC}");
    assert!(!l.status(&hmac, None).suppressed);
    l.set_hash_key(Some(b"other"));
    assert!(!l.status(&hmac, None).suppressed);
    l.set_hash_key(Some(b"secret"));
    assert_eq!(l.status(&hmac, None).reason, Some(Reason::Complaint));
    // Not a digest: neither 64 hex digits nor an address.
    let s = l.status("sha256:86e0", None);
    assert!(!s.suppressed && s.canonical.is_none(), "{s:?}");
}

#[test]
fn hashed_keys_match_hashed_and_plain_records_together() {
    let jane = "jane.doe@example.com";
    let mut l = list_at(
        20,
        vec![rec(jane, Reason::Unsubscribe, Scope::All, Some(1))],
    );
    let mut hashed = SuppressionRecord::new(
        &format!("sha256:{JANE_SHA256}"),
        "",
        Reason::HardBounce,
        Scope::All,
        "partner",
    );
    hashed.event_time = Some(day(2));
    l.add(hashed);
    let both = [Reason::HardBounce, Reason::Unsubscribe];
    assert_eq!(reasons(&l, &format!("sha256:{JANE_SHA256}")), both);
    // The plain address finds both as before.
    assert_eq!(reasons(&l, jane), both);
}

#[test]
fn missing_per_stream_in_native_vocabulary() {
    let mut l = SuppressionList::default();
    l.set_now(day(20));
    let src = |addr: &str, reason, scope, system: &str, stream: &str| {
        let mut r = rec(addr, reason, scope, Some(1));
        r.source_system = system.into();
        r.source_stream = stream.into();
        r
    };
    for (name, system, kind) in [
        ("ses", System::Ses, StreamKind::Marketing),
        ("sg", System::Sendgrid, StreamKind::Marketing),
        ("pm", System::Postmark, StreamKind::Transactional),
    ] {
        l.set_stream(
            name,
            StreamInfo {
                kind,
                system: Some(system),
            },
        );
    }
    l.extend([
        src(
            "x@example.com",
            Reason::HardBounce,
            Scope::All,
            "ses",
            "ses",
        ),
        src(
            "x@example.com",
            Reason::Complaint,
            Scope::All,
            "sendgrid",
            "sg",
        ),
        src(
            "y@example.com",
            Reason::Unsubscribe,
            Scope::All,
            "sendgrid",
            "sg",
        ),
        src(
            "z@example.com",
            Reason::Unsubscribe,
            Scope::Group("3".into()),
            "sendgrid",
            "sg",
        ),
    ]);
    // SES lacks x's complaint (COMPLAINT) and y's unsubscribe (not expressible there).
    let ses = l.export_missing("ses");
    assert_eq!(
        ses.files[0],
        ("ses.ses.csv".into(), b"x@example.com,COMPLAINT\n".to_vec())
    );
    assert_eq!(ses.report.rows, 2);
    assert_eq!(ses.files[1].0, "ses.unexpressed.csv");
    let unexpressed = String::from_utf8(ses.files[1].1.clone()).unwrap();
    assert!(unexpressed.contains("y@example.com,y@example.com,unsubscribe,marketing,"));
    // SendGrid lacks x's hard bounce, written as a global unsubscribe with a fidelity note.
    let sg = l.export_missing("sg");
    assert_eq!(
        sg.files,
        vec![("sg.sendgrid.csv".into(), b"email\nx@example.com\n".to_vec())]
    );
    assert_eq!(sg.report.lossy.values().sum::<u64>(), 1);
    // The transactional Postmark stream gets x's hard bounce; the complaint spares critical
    // mail, which a stream list cannot express; unsubscribes never reach it.
    let pm = l.export_missing("pm");
    let json: serde_json::Value = serde_json::from_slice(&pm.files[0].1).unwrap();
    assert_eq!(json["Suppressions"][0]["EmailAddress"], "x@example.com");
    assert_eq!(json["Suppressions"].as_array().unwrap().len(), 1);
    assert_eq!(pm.report.unexpressed.values().sum::<u64>(), 1);
    assert_eq!(l.missing_for("pm").len(), 2);
}

#[test]
fn engagement_file_sunsets_the_unengaged() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("engagement.csv");
    std::fs::write(
        &path,
        "address,sends,opens,clicks,sends_since_open,sends_since_click,last_send,last_open,last_click\n\
         never@example.com,12,0,0,,,2026-01-10,,\n\
         new@example.com,3,0,0,,,2026-01-10,,\n\
         clicker@example.com,40,0,1,,15,2026-01-10,,2025-12-01\n\
         opener@example.com,40,1,0,15,,2026-01-10,2025-12-01,\n\
         bad,1,,,,,,,\n",
    )
    .unwrap();
    let mut l = SuppressionList::default();
    l.set_now(day(20));
    let summary = l.load_path(&path, None, "").unwrap();
    let f = &summary.files[0];
    assert_eq!(
        (f.format.as_str(), f.rows_read, f.rows_used, f.rows_rejected),
        ("engagement", 5, 4, 1)
    );
    assert_eq!(summary.rejects[0].line, 6);
    assert_eq!(top(&l, "never@example.com"), Some(Reason::Sunset));
    assert_eq!(l.status("never@example.com", None).since, Some(day(9)));
    assert!(!l.status("new@example.com", None).suppressed);
    assert!(!l.status("clicker@example.com", None).suppressed);
    assert_eq!(top(&l, "opener@example.com"), Some(Reason::Sunset));
    assert!(!l
        .status("opener@example.com", None)
        .blocks(MailKind::Transactional));
}

#[test]
fn policy_numbers_are_configurable() {
    let p = Policy::from_toml("[escalation]\nconsecutive = 3\nmin_span_days = 0\n").unwrap();
    let mut l = SuppressionList::new(p);
    l.set_now(day(10));
    l.extend(softs(&[0, 1, 2]));
    assert_eq!(top(&l, A), Some(Reason::SoftBounceEscalated));
}

#[test]
fn load_master_takes_only_master_or_hashed_lists() {
    let l = list_at(20, vec![rec(A, Reason::Manual, Scope::All, Some(1))]);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("suppressions.csv");
    l.write_csv(std::fs::File::create(&path).unwrap()).unwrap();
    let mut back = SuppressionList::default();
    let summary = back.load_master(&path).unwrap();
    assert_eq!(summary.files[0].rows_used, 1);
    let s = back.status(A, None);
    assert_eq!(s.reason, Some(Reason::Manual));
    assert_eq!(s.sources, vec!["generic:news"]);
    let other = dir.path().join("other.csv");
    std::fs::write(&other, "email\na@example.com\n").unwrap();
    let err = SuppressionList::default().load_master(&other).unwrap_err();
    assert_eq!(err.code(), "bad_format");
}

/// Verdicts are computed on first query; records added, merged in or re-timed afterwards must
/// count exactly as if they had been there from the start.
#[test]
fn changes_after_a_query_count_like_changes_before() {
    let first = vec![
        rec("zed@example.com", Reason::HardBounce, Scope::All, Some(1)),
        rec(A, Reason::Unsubscribe, Scope::All, Some(2)),
        rec("mid@example.com", Reason::Complaint, Scope::All, None),
    ];
    let second = vec![
        rec(A, Reason::Delivered, Scope::All, Some(3)),
        rec("mid@example.com", Reason::Unsubscribe, Scope::All, Some(4)),
        rec("zed@example.com", Reason::Delivered, Scope::All, Some(5)),
        rec("new@example.com", Reason::Manual, Scope::All, Some(6)),
    ];
    let all = list_at(10, first.iter().chain(&second).cloned().collect());

    let mut added = list_at(10, first.clone());
    assert_eq!(top(&added, "zed@example.com"), Some(Reason::HardBounce));
    added.extend(second.clone());
    assert_eq!(added.rows(), all.rows());
    assert_eq!(added.records(), all.records());

    let mut merged = list_at(10, first.clone());
    let other = list_at(10, second.clone());
    let _ = (merged.rows(), other.rows()); // both indexed before the merge
    merged.merge(&other);
    assert_eq!(merged.rows(), all.rows());
    assert_eq!(merged.records(), all.records());

    let mut retimed = list_at(4, first.iter().chain(&second).cloned().collect());
    let _ = retimed.rows();
    retimed.set_now(day(10));
    assert_eq!(retimed.rows(), all.rows());
    assert_eq!(top(&retimed, "zed@example.com"), None);
}
