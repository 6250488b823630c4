//! The merge is order-independent: a pure function of the set of records. Checked on random
//! record sets over a few addresses, times and sources, so that collisions (same address, same
//! second, same reason from two systems) are common.
use mailhygiene::suppression::{
    Consent, MailKind, Reason, Scope, SuppressionList, SuppressionRecord,
};
use proptest::prelude::*;

const DAY: i64 = 86_400;
const NOW: i64 = 1_767_225_600 + 200 * DAY;
const ADDRS: [&str; 4] = [
    "a@example.com",
    "A@Example.com",
    "b@example.com",
    "c@example.org",
];

fn scope() -> impl Strategy<Value = Scope> {
    prop_oneof![
        Just(Scope::All),
        Just(Scope::Marketing),
        Just(Scope::Transactional),
        Just(Scope::Group("7".into())),
        Just(Scope::List("x".into())),
        Just(Scope::Stream("news".into())),
    ]
}

fn record() -> impl Strategy<Value = SuppressionRecord> {
    (
        0..ADDRS.len(),
        prop::sample::select(Reason::ALL.to_vec()),
        scope(),
        prop::option::weighted(0.9, 0i64..40),
        any::<bool>(),
        prop::sample::select(vec![
            ("ses", "tx"),
            ("sendgrid", "news"),
            ("mailgun", "news"),
        ]),
        prop::option::of(prop::sample::select(vec!["expired", "mailbox_full"])),
    )
        .prop_map(|(a, reason, scope, t, evidence, (sys, stream), sub)| {
            let mut r = SuppressionRecord::new("", ADDRS[a], reason, scope, sys);
            // Days 150..190 (in 5-day steps) so escalations, expiries and clears all happen.
            r.event_time = t.map(|d| NOW - 50 * DAY + d * 5 * DAY / 4);
            r.source_stream = stream.into();
            r.sub_reason = sub.map(Into::into);
            r.consent = evidence.then(|| Consent {
                confirmed: true,
                ..Consent::default()
            });
            r
        })
}

fn records() -> impl Strategy<Value = Vec<SuppressionRecord>> {
    prop::collection::vec(record(), 0..40)
}

fn build(recs: &[SuppressionRecord]) -> SuppressionList {
    let mut l = SuppressionList::default();
    l.set_now(NOW);
    l.extend(recs.iter().cloned());
    l
}

/// Everything observable: the master list, the records, statuses at several times, the
/// hashed list and a stream's missing export.
fn observe(l: &SuppressionList) -> String {
    let mut out = Vec::new();
    l.write_csv(&mut out).unwrap();
    let mut s = String::from_utf8(out).unwrap();
    s += &format!("{:?}\n", l.records());
    for a in ADDRS {
        for at in [None, Some(NOW - 30 * DAY), Some(NOW + 100 * DAY)] {
            let st = l.status(a, at);
            s += &format!("{st:?} {}\n", st.blocks(MailKind::Transactional));
        }
    }
    s += &format!("{:?}\n", l.export_missing("news"));
    s
}

fn merged(parts: &[&[SuppressionRecord]]) -> SuppressionList {
    let mut l = build(&[]);
    for p in parts {
        l.merge(&build(p));
    }
    l
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn commutative(a in records(), b in records()) {
        prop_assert_eq!(observe(&merged(&[&a, &b])), observe(&merged(&[&b, &a])));
    }

    #[test]
    fn associative(a in records(), b in records(), c in records()) {
        let mut left = build(&a);
        left.merge(&build(&b));
        left.merge(&build(&c));
        let mut bc = build(&b);
        bc.merge(&build(&c));
        let mut right = build(&a);
        right.merge(&bc);
        prop_assert_eq!(observe(&left), observe(&right));
    }

    #[test]
    fn idempotent(a in records()) {
        let once = build(&a);
        let mut twice = build(&a);
        twice.merge(&build(&a));
        twice.extend(a.iter().cloned());
        prop_assert_eq!(observe(&once), observe(&twice));
        // Querying first (which computes the verdicts) then merging again changes nothing.
        let _ = twice.status(ADDRS[0], None);
        twice.merge(&once);
        prop_assert_eq!(observe(&once), observe(&twice));
    }

    #[test]
    fn order_and_grouping_do_not_matter(
        a in records(),
        seed in any::<u64>(),
        cuts in prop::collection::vec(0usize..40, 0..5),
    ) {
        let mut shuffled = a.clone();
        // Fisher–Yates with a tiny LCG: the permutation is part of the generated case.
        let mut x = seed | 1;
        for i in (1..shuffled.len()).rev() {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            shuffled.swap(i, (x >> 33) as usize % (i + 1));
        }
        let mut cuts: Vec<usize> = cuts.into_iter().map(|c| c.min(shuffled.len())).collect();
        cuts.sort();
        let mut parts = Vec::new();
        let mut start = 0;
        for c in cuts {
            parts.push(&shuffled[start..c]);
            start = c;
        }
        parts.push(&shuffled[start..]);
        prop_assert_eq!(observe(&build(&a)), observe(&merged(&parts)));
    }

    #[test]
    fn thread_count_does_not_matter(a in records()) {
        let run = |threads| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap()
                .install(|| observe(&build(&a)))
        };
        prop_assert_eq!(run(1), run(3));
    }
}
