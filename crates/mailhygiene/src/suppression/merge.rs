//! The merge rules: the verdict for one canonical key as a pure function of the *set* of its
//! records, the policy and "the present".
//!
//! Nothing here looks at the order records arrived in: every rule is a quantifier ("there is a
//! strictly later delivery"), a maximum, or a scan over records sorted by their own content. That
//! is what makes the merge order-independent, associative and idempotent (the list is a set union;
//! see `tests/merge_properties.rs`). Rules follow `shared/research/suppression-semantics.md` §5.
use super::policy::{Policy, ScopeRule, DAY};
use super::record::{Reason, Scope};

/// "No date": sorts first, and every rule treats it as the more restrictive case.
pub(crate) const UNDATED: i64 = i64::MIN;
/// "Never expires".
pub(crate) const NEVER: i64 = i64::MAX;

/// Scope ids interned first by every list, so the rules can name them without allocating.
pub(crate) const SCOPE_ALL: u32 = 0;
pub(crate) const SCOPE_MARKETING: u32 = 1;
pub(crate) const SCOPE_TRANSACTIONAL: u32 = 2;

/// One record, compactly: strings are interned in the owning list's tables. Two records with the
/// same content have the same `Entry`, so a sorted `Vec<Entry>` with duplicates removed is a set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct Entry {
    pub key: u32,
    pub time: i64,
    pub reason: Reason,
    pub evidence: bool,
    pub scope: u32,
    pub origin: u32,
    pub detail: u32,
    pub line: u32,
}

/// One active restriction of a key, as stored after evaluation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Active {
    pub since: i64,
    pub expires: i64,
    pub scope: u32,
    pub src_start: u32,
    pub src_len: u32,
    pub reason: Reason,
    pub rank: u8,
    pub spares_critical: bool,
}

/// Lookups over a list's interned tables, computed once per index.
#[derive(Debug, Default)]
pub(crate) struct Tables {
    /// Sort position of each scope id by its text, so ties never depend on interning order.
    pub scope_order: Vec<u32>,
    /// Whether a soft bounce with this detail id counts towards escalation.
    pub detail_counts: Vec<bool>,
    /// The escalation number recorded in a detail (`repeat:N`), 0 when none.
    pub detail_repeat: Vec<u32>,
    /// Each scope's text.
    pub scope_text: Vec<String>,
    /// Every distinct `sources` label, sorted, so sorting label ids sorts the labels.
    pub labels: Vec<String>,
    /// Each origin's labels, as ids into `labels`.
    pub origin_labels: Vec<Vec<u32>>,
}

/// Policy and table lookups the rules need.
pub(crate) struct Ctx<'a> {
    pub policy: &'a Policy,
    pub ranks: [[u8; 2]; 8],
    pub scopes: &'a [Scope],
    pub t: &'a Tables,
}

impl Ctx<'_> {
    /// The effective scope id of a restriction and whether it spares critical mail.
    pub(crate) fn effective(&self, reason: Reason, scope: u32) -> (u32, bool) {
        match self.policy.scope_rule(reason) {
            Some(ScopeRule::All) | None => (SCOPE_ALL, false),
            Some(ScopeRule::AllButCritical) => (SCOPE_ALL, true),
            Some(ScopeRule::Marketing) => (SCOPE_MARKETING, false),
            Some(ScopeRule::Source) => match scope {
                SCOPE_ALL | SCOPE_MARKETING | SCOPE_TRANSACTIONAL => (SCOPE_MARKETING, false),
                s => (s, false),
            },
        }
    }

    fn rank(&self, reason: Reason, scope: u32) -> u8 {
        let scoped = !matches!(scope, SCOPE_ALL | SCOPE_MARKETING);
        self.ranks[reason as usize][scoped as usize]
    }
}

/// Scratch space reused across keys so evaluation does not allocate per key.
#[derive(Default)]
pub(crate) struct Scratch {
    events: Vec<(i64, bool, u32)>,
    run: Vec<(i64, u32)>,
    escalations: Vec<(i64, u32, Vec<u32>)>,
    found: Vec<Found>,
}

/// An active restriction before grouping by (reason, scope).
struct Found {
    reason: Reason,
    scope: u32,
    spares: bool,
    time: i64,
    expires: i64,
    /// The record's origin, or for an escalation `u32::MAX - index` into `Scratch::escalations`
    /// (no allocation per restriction: this runs for every key of a multi-million-key list).
    origin: u32,
}

/// The active restrictions of one key at time `at`, appended to `out` (origins to `pool`), most
/// restrictive first. `group` is every record of the key, in any order.
pub(crate) fn evaluate(
    group: &[Entry],
    at: i64,
    cx: &Ctx,
    sc: &mut Scratch,
    out: &mut Vec<Active>,
    pool: &mut Vec<u32>,
) {
    // Evidence that can clear restrictions: only dated, and not after the present.
    let seen = |e: &Entry| e.time != UNDATED && e.time <= at;
    let latest = |r: Reason| {
        group
            .iter()
            .filter(|e| e.reason == r && seen(e))
            .map(|e| e.time)
            .max()
            .unwrap_or(UNDATED)
    };
    let last_delivered = latest(Reason::Delivered);
    let last_engaged = latest(Reason::Engaged);
    let last_reset = last_delivered.max(last_engaged);

    sc.found.clear();
    escalations(group, at, cx, sc);
    for (k, (t, repeat, _)) in sc.escalations.iter().enumerate() {
        // Escalation number: its position among this key's escalations, or what an earlier merge
        // recorded, whichever is higher ("doubling on repeat").
        let n = (k as u32 + 1).max(*repeat);
        let expires = if *t == UNDATED {
            NEVER
        } else {
            let factor =
                (cx.policy.escalation.expiry_multiplier as i64).saturating_pow(n.saturating_sub(1));
            t.saturating_add((cx.policy.escalation.expiry_days as i64 * DAY).saturating_mul(factor))
        };
        // Cleared by a strictly later delivery or engagement; an undated escalation never is.
        let cleared = *t != UNDATED && last_reset > *t;
        if expires > at && !cleared {
            let (scope, spares) = cx.effective(Reason::SoftBounceEscalated, SCOPE_ALL);
            sc.found.push(Found {
                reason: Reason::SoftBounceEscalated,
                scope,
                spares,
                time: *t,
                expires,
                origin: u32::MAX - k as u32,
            });
        }
    }

    for e in group {
        if !e.reason.is_restriction() || e.reason == Reason::SoftBounceEscalated {
            continue;
        }
        if e.time != UNDATED && e.time > at {
            continue; // not happened yet at `at`
        }
        let (scope, spares) = cx.effective(e.reason, e.scope);
        // Equal or undated times resolve to the more restrictive state: clearing evidence must be
        // strictly later than a dated restriction, and nothing clears an undated one.
        let dated = e.time != UNDATED;
        let cleared = dated
            && match e.reason {
                Reason::HardBounce => last_delivered > e.time,
                Reason::Unsubscribe => opted_in_after(group, at, e.time, scope, cx),
                Reason::Sunset => {
                    last_engaged > e.time || opted_in_after(group, at, e.time, scope, cx)
                }
                // complaint, erasure, manual, invalid: only an operator removing the record.
                _ => false,
            };
        if !cleared {
            sc.found.push(Found {
                reason: e.reason,
                scope,
                spares,
                time: e.time,
                expires: NEVER,
                origin: e.origin,
            });
        }
    }

    // One row per (reason, effective scope): the latest time (the one new clearing evidence must
    // post-date), undated if any is undated; the latest expiry; every origin.
    sc.found.sort_by_key(|f| {
        (
            cx.rank(f.reason, f.scope),
            f.reason,
            cx.t.scope_order[f.scope as usize],
            f.spares,
        )
    });
    let mut i = 0;
    while i < sc.found.len() {
        let head = &sc.found[i];
        let mut j = i;
        let (mut since, mut expires) = (head.time, head.expires);
        let mut undated = false;
        let src_start = pool.len();
        while j < sc.found.len()
            && sc.found[j].reason == head.reason
            && sc.found[j].scope == head.scope
            && sc.found[j].spares == head.spares
        {
            let f = &sc.found[j];
            undated |= f.time == UNDATED;
            since = since.max(f.time);
            expires = expires.max(f.expires);
            if f.origin > u32::MAX / 2 {
                pool.extend_from_slice(&sc.escalations[(u32::MAX - f.origin) as usize].2);
            } else {
                pool.push(f.origin);
            }
            j += 1;
        }
        pool[src_start..].sort_unstable();
        let mut dedup_len = src_start;
        for k in src_start..pool.len() {
            if dedup_len == src_start || pool[dedup_len - 1] != pool[k] {
                pool[dedup_len] = pool[k];
                dedup_len += 1;
            }
        }
        pool.truncate(dedup_len);
        out.push(Active {
            since: if undated { UNDATED } else { since },
            expires,
            scope: head.scope,
            src_start: src_start as u32,
            src_len: (pool.len() - src_start) as u32,
            reason: head.reason,
            rank: cx.rank(head.reason, head.scope),
            spares_critical: head.spares,
        });
        i = j;
    }
}

/// Whether an opt-in with consent evidence, strictly after `t` and not after `at`, covers `scope`.
fn opted_in_after(group: &[Entry], at: i64, t: i64, scope: u32, cx: &Ctx) -> bool {
    group.iter().any(|o| {
        o.reason == Reason::OptIn
            && o.evidence
            && o.time != UNDATED
            && o.time > t
            && o.time <= at
            && cx.scopes[o.scope as usize].covers(&cx.scopes[scope as usize])
    })
}

/// Fill `sc.escalations` with (time, recorded repeat, origins): escalations derived from soft
/// bounces plus `soft_bounce_escalated` records from sources, sorted by time (undated first).
///
/// Derivation: dated counting soft bounces and resets (delivered / engaged) up to `at`, by time;
/// at equal times the reset goes first, so the bounce still counts (the more restrictive reading).
/// Several sources reporting a bounce at the same second count once. A run escalates when it holds
/// `consecutive` bounces within `lookback_days` of the latest, first and latest `min_span_days`
/// apart; the run then starts afresh.
fn escalations(group: &[Entry], at: i64, cx: &Ctx, sc: &mut Scratch) {
    let p = &cx.policy.escalation;
    sc.events.clear();
    sc.escalations.clear();
    for e in group {
        if e.time == UNDATED || e.time > at {
            continue;
        }
        match e.reason {
            Reason::Delivered | Reason::Engaged => sc.events.push((e.time, false, e.origin)),
            Reason::SoftBounce if cx.t.detail_counts[e.detail as usize] => {
                sc.events.push((e.time, true, e.origin))
            }
            _ => {}
        }
    }
    sc.events.sort_unstable();
    sc.run.clear();
    let lookback = p.lookback_days as i64 * DAY;
    let span = p.min_span_days as i64 * DAY;
    for &(t, soft, origin) in &sc.events {
        if !soft {
            sc.run.clear();
            continue;
        }
        if let Some(&(last, _)) = sc.run.last() {
            if last == t {
                continue; // the same bounce seen by another source
            }
        }
        sc.run.retain(|&(rt, _)| rt >= t - lookback);
        sc.run.push((t, origin));
        if sc.run.len() >= p.consecutive as usize && t - sc.run[0].0 >= span {
            let mut origins: Vec<u32> = sc.run.iter().map(|&(_, o)| o).collect();
            origins.sort_unstable();
            origins.dedup();
            sc.escalations.push((t, 0, origins));
            sc.run.clear();
        }
    }
    for e in group {
        if e.reason == Reason::SoftBounceEscalated && (e.time == UNDATED || e.time <= at) {
            let repeat = cx.t.detail_repeat[e.detail as usize];
            match sc.escalations.iter_mut().find(|x| x.0 == e.time) {
                Some(x) => {
                    x.1 = x.1.max(repeat);
                    x.2.push(e.origin);
                    x.2.sort_unstable();
                    x.2.dedup();
                }
                None => sc.escalations.push((e.time, repeat, vec![e.origin])),
            }
        }
    }
    sc.escalations.sort_by_key(|x| x.0);
}
