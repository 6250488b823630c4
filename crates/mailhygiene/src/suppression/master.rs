//! Reading a master list on all threads.
//!
//! A master list (see [`MASTER_HEADER`](super::MASTER_HEADER)) holds one record per line and,
//! as `merge` writes it, no quotes. Such a file is cut into parts at line ends, and each part is
//! parsed on its own thread straight into [`Entry`]s whose key, scope, origin and detail are
//! indexes into the part's own small tables; [`SuppressionList`](super::SuppressionList) then
//! interns those tables and adds the entries, one wave of parts while the next is parsed. No
//! [`SuppressionRecord`](super::SuppressionRecord) is built per row: at a million rows,
//! building them was most of the time and memory of loading.
//!
//! Only bytes that splitting at `\n` and `,` reads exactly as the CSV reader does take this
//! path: valid UTF-8, no `"` (no quoted field, so no line end inside one) and no `\r` except in
//! `\r\n`. [`plan`] checks that before anything is added and returns `None` otherwise; the
//! caller then reads the file the general way (`output::parse_master`). Both give the same
//! list: see the tests.
use rayon::prelude::*;
use rustc_hash::FxHashMap;

use super::list::fx_hash;
use super::merge::{Entry, UNDATED};
use super::output::master_cells;
use super::policy::Policy;
use super::record::{Reason, Reject, Scope};
use super::KeyHash;

/// One part of a master list, parsed.
pub(crate) struct Part<'a> {
    /// Distinct keys in order of first appearance (repeats on adjacent rows folded), with their
    /// [`fx_hash`] computed here, on this part's thread.
    pub keys: Vec<(&'a str, u64)>,
    /// `(key index, address)` of rows whose address differs from their key.
    pub addresses: Vec<(u32, &'a str)>,
    /// Scopes by index.
    pub scopes: Vec<Scope>,
    /// `sources` cells by index (the origin of a master row).
    pub sources: Vec<Option<&'a str>>,
    /// Escalation numbers by index (the detail of a master row).
    pub repeats: Vec<u32>,
    /// The rows: key, scope, origin and detail are indexes into the tables above.
    pub entries: Vec<Entry>,
    pub rejects: Vec<Reject>,
    /// Data rows read, used or not.
    pub rows_read: u64,
    /// Records per reason.
    pub counts: [u64; Reason::ALL.len()],
    /// Whether a key is hashed (`sha256:…`).
    pub hashed: bool,
}

/// A master list cut into parts, each checked and ready to parse on its own thread.
pub(crate) struct Plan<'a> {
    /// The parts, each with its first line (0-based).
    parts: Vec<(&'a str, u64)>,
    /// Lines after the header: at least the number of rows.
    pub lines: u64,
    /// Bytes after the header: at least the length of all keys.
    pub bytes: usize,
}

impl<'a> Plan<'a> {
    /// The parts in order, in groups of `n` (parse one group while the previous one is added).
    pub fn waves(&self, n: usize) -> impl Iterator<Item = &[(&'a str, u64)]> {
        self.parts.chunks(n.max(1))
    }
}

/// Cut `data` (a whole master list, header included) into parts of about `part_bytes` and
/// check them, or `None` when the bytes need the general CSV reader (see the module docs).
pub(crate) fn plan(data: &[u8], part_bytes: usize) -> Option<Plan<'_>> {
    let data = data.strip_prefix("\u{feff}".as_bytes()).unwrap_or(data);
    let header_end = memchr::memchr(b'\n', data).map_or(data.len(), |i| i + 1);
    let spans = split(data, header_end, part_bytes);
    let scans: Vec<Option<(&str, u64)>> = spans
        .par_iter()
        .map(|&(start, end)| scan(&data[start..end]))
        .collect();
    let mut parts = Vec::with_capacity(scans.len());
    // The header is line 0.
    let mut lines = 1u64;
    for scanned in scans {
        let (text, n) = scanned?;
        parts.push((text, lines));
        lines += n;
    }
    Some(Plan {
        parts,
        lines: lines - 1,
        bytes: data.len() - header_end,
    })
}

/// Parse parts of a [`Plan`] on all threads.
pub(crate) fn parse_wave<'a>(
    file: &str,
    wave: &[(&'a str, u64)],
    policy: &Policy,
) -> Vec<Part<'a>> {
    wave.par_iter()
        .map(|&(text, first_line)| parse_part(file, text, first_line, policy))
        .collect()
}

/// `(start, end)` of parts of `data[from..]` of about `part_bytes`, each ending after a `\n`
/// (or at the end).
fn split(data: &[u8], from: usize, part_bytes: usize) -> Vec<(usize, usize)> {
    let mut parts = Vec::new();
    let mut start = from;
    while start < data.len() {
        let target = (start + part_bytes.max(1)).min(data.len());
        let end = memchr::memchr(b'\n', &data[target - 1..]).map_or(data.len(), |i| target + i);
        parts.push((start, end));
        start = end;
    }
    parts
}

/// `part` as text and its `\n`s; `None` when it is not UTF-8, holds a `"`, or a `\r` that does
/// not end a line.
fn scan(part: &[u8]) -> Option<(&str, u64)> {
    let text = std::str::from_utf8(part).ok()?;
    if memchr::memchr(b'"', part).is_some()
        || memchr::memchr_iter(b'\r', part).any(|i| part.get(i + 1) != Some(&b'\n'))
    {
        return None;
    }
    Some((text, memchr::memchr_iter(b'\n', part).count() as u64))
}

/// A line without its terminator (`\n` or `\r\n`).
fn line_text(line: &[u8]) -> &[u8] {
    let text = line.strip_suffix(b"\n").unwrap_or(line);
    text.strip_suffix(b"\r").unwrap_or(text)
}

/// Parse one part (checked by [`scan`]) whose first line is line `first_line` (0-based) of
/// the file.
fn parse_part<'a>(file: &str, text: &'a str, first_line: u64, policy: &Policy) -> Part<'a> {
    // About 100 bytes a row: grow once or twice, not by doubling from nothing.
    let rows = text.len() / 100 + 16;
    let mut p = Part {
        keys: Vec::with_capacity(rows),
        addresses: Vec::new(),
        scopes: Vec::new(),
        sources: Vec::new(),
        repeats: Vec::new(),
        entries: Vec::with_capacity(rows),
        rejects: Vec::new(),
        rows_read: 0,
        counts: [0; Reason::ALL.len()],
        hashed: false,
    };
    let mut scope_ids: FxHashMap<&str, u32> = FxHashMap::default();
    let mut source_ids: FxHashMap<Option<&str>, u32> = FxHashMap::default();
    let mut repeat_ids: FxHashMap<u32, u32> = FxHashMap::default();
    let mut start = 0;
    let mut physical = first_line;
    while start < text.len() {
        let end =
            memchr::memchr(b'\n', &text.as_bytes()[start..]).map_or(text.len(), |i| start + i + 1);
        let row = &text[start..start + line_text(&text.as_bytes()[start..end]).len()];
        start = end;
        // 1-based, like the general reader's (`output::parse_master`).
        let line = physical + 1;
        physical += 1;
        if row.is_empty() {
            continue;
        }
        p.rows_read += 1;
        let mut cells = [""; 7];
        let ends = memchr::memchr_iter(b',', row.as_bytes()).chain([row.len()]);
        let mut from = 0;
        for (c, to) in cells.iter_mut().zip(ends) {
            *c = row[from..to].trim();
            from = to + 1;
        }
        let checked = master_cells(
            policy,
            |i| cells[i],
            |s| match scope_ids.get(s) {
                Some(&id) => Ok(id),
                None => {
                    let scope: Scope = s.parse()?;
                    let id = p.scopes.len() as u32;
                    p.scopes.push(scope);
                    scope_ids.insert(s, id);
                    Ok(id)
                }
            },
        );
        let m = match checked {
            Ok(m) => m,
            Err((code, message)) => {
                p.rejects.push(Reject {
                    file: file.into(),
                    line,
                    code: code.into(),
                    message,
                    raw: row.into(),
                });
                continue;
            }
        };
        if p.keys.last().map(|(k, _)| *k) != Some(m.canonical) {
            p.hashed |= m.canonical.starts_with(KeyHash::SHA256_PREFIX)
                || m.canonical.starts_with(KeyHash::HMAC_PREFIX);
            p.keys.push((m.canonical, fx_hash(m.canonical)));
        }
        let key = p.keys.len() as u32 - 1;
        if m.address != m.canonical {
            p.addresses.push((key, m.address));
        }
        let next = p.sources.len() as u32;
        let origin = *source_ids.entry(m.sources).or_insert(next);
        if origin == next {
            p.sources.push(m.sources);
        }
        let next = p.repeats.len() as u32;
        let detail = *repeat_ids.entry(m.repeat).or_insert(next);
        if detail == next {
            p.repeats.push(m.repeat);
        }
        p.counts[m.reason as usize] += 1;
        p.entries.push(Entry {
            key,
            time: m.since.unwrap_or(UNDATED),
            reason: m.reason,
            evidence: false,
            scope: m.scope,
            origin,
            detail,
            line: u32::try_from(line).unwrap_or(u32::MAX),
        });
    }
    p
}

#[cfg(test)]
mod tests {
    use super::super::{
        Consent, ImportSummary, MailKind, Reason, Scope, SuppressionList, SuppressionRecord,
    };
    use super::*;

    const DAY: i64 = 86_400;
    /// 2026-01-01T00:00:00Z.
    const T0: i64 = 1_767_225_600;
    const NOW: i64 = T0 + 400 * DAY;

    /// A master list with what `merge` really writes: several restrictions per key, list,
    /// group and stream scopes, escalations with their expiry (repeated ones too), rows that
    /// later opt-ins and deliveries cleared (absent), undated rows, several sources per row and
    /// addresses spelled unlike their key.
    fn merged_master() -> Vec<u8> {
        let mut list = SuppressionList::default();
        list.set_now(NOW);
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = move |n: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % n
        };
        for i in 0..400u64 {
            let address = match i % 3 {
                0 => format!("user{i}@example.com"),
                1 => format!("User.{i}@Example.com"),
                _ => format!("u.s.e.r{i}@gmail.com"),
            };
            let systems = ["ses", "mailchimp", "sendgrid", "crm"];
            for _ in 0..1 + next(4) {
                let (reason, scope) = match next(9) {
                    0 => (Reason::HardBounce, Scope::All),
                    1 => (Reason::Unsubscribe, Scope::Marketing),
                    2 => (Reason::Unsubscribe, Scope::List(format!("l{}", next(3)))),
                    3 => (Reason::Unsubscribe, Scope::Group(format!("{}", next(3)))),
                    4 => (Reason::Unsubscribe, Scope::Stream("news".into())),
                    5 => (Reason::Complaint, Scope::All),
                    6 => (Reason::Manual, Scope::All),
                    7 => (Reason::Erasure, Scope::All),
                    _ => (Reason::Invalid, Scope::All),
                };
                let system = systems[next(4) as usize];
                let mut r = SuppressionRecord::new("", &address, reason, scope, system);
                r.source_stream = ["news", "welcome", ""][next(3) as usize].into();
                r.event_time = (next(5) > 0).then(|| T0 + next(300) as i64 * DAY);
                list.add(r);
            }
            let soft = |d: i64| {
                let mut r =
                    SuppressionRecord::new("", &address, Reason::SoftBounce, Scope::All, "ses");
                r.event_time = Some(T0 + d * DAY);
                r
            };
            match i % 7 {
                // Escalated, and escalated again (a `repeat:2` row).
                0 => list.extend([0, 4, 8, 12, 16].map(soft)),
                1 => list.extend([0, 4, 8, 12, 16, 300, 304, 308, 312, 316].map(soft)),
                // A confirmed opt-in after an unsubscribe clears it.
                2 => {
                    let mut u = SuppressionRecord::new(
                        "",
                        &address,
                        Reason::Unsubscribe,
                        Scope::Marketing,
                        "mailchimp",
                    );
                    u.event_time = Some(T0 + 10 * DAY);
                    let mut o = u.clone();
                    o.reason = Reason::OptIn;
                    o.event_time = Some(T0 + 20 * DAY);
                    o.consent = Some(Consent {
                        confirmed: true,
                        ..Consent::default()
                    });
                    list.extend([u, o]);
                }
                _ => {}
            }
        }
        let mut out = Vec::new();
        list.write_csv(&mut out).unwrap();
        out
    }

    /// `master`'s rows shuffled (a key's rows far apart), some repeated, with blank lines and
    /// rows that must be rejected or read leniently.
    fn mangled(master: &[u8]) -> String {
        let text = std::str::from_utf8(master).unwrap();
        let mut lines: Vec<&str> = text.lines().collect();
        let header = lines.remove(0);
        let mut rows: Vec<String> = Vec::new();
        for (i, l) in lines.iter().enumerate() {
            rows.push(l.to_string());
            if i % 11 == 0 {
                rows.push(lines[(i * 7919) % lines.len()].to_string());
            }
            if i % 50 == 0 {
                rows.push(String::new());
            }
        }
        let n = rows.len();
        for i in 0..n {
            rows.swap(i, (i * 104_729 + 17) % n);
        }
        let hashed = KeyHash::Sha256.key("hashed@example.com");
        let odd = [
            "late@example.com,,delivered,all,,,x",
            "late@example.com,,hard_bounce,planet,,,x",
            "late@example.com,,manual,all,yesterday,,x",
            "late@example.com,,unsubscribe,marketing,2026-01-01T00:00:00Z,someday,x",
            "late@example.com,,nonsense,all,,,x",
            ",,manual,all,,,x",
            "   ",
            "short@example.com,,manual",
            "short@example.com",
            " spaced@example.com , Spaced@Example.com , manual , list:a b ,,, crm:x ",
            "extra@example.com,,complaint,all,2026-02-01,,a:b;c:d,more,cells",
            "user3@example.com,,manual,all,,,",
            &format!("{hashed},,hard_bounce,all,,,"),
            "hashed@example.com,,unsubscribe,marketing,,,crm",
            "sunset@example.com,,sunset,marketing,2026-03-01T00:00:00Z,,engagement",
        ];
        for (i, o) in odd.iter().enumerate() {
            rows.insert((i * 37) % rows.len(), o.to_string());
        }
        let mut out = String::from(header);
        out.push('\n');
        for r in rows {
            out.push_str(&r);
            out.push('\n');
        }
        out
    }

    fn probes(data: &[u8]) -> Vec<String> {
        let text = String::from_utf8_lossy(data);
        let mut p: Vec<String> = text
            .lines()
            .flat_map(|l| l.split(',').take(2).map(|c| c.trim().to_string()))
            .collect();
        p.extend(
            [
                "hashed@example.com",
                "nobody@example.com",
                "",
                "not an address",
            ]
            .map(Into::into),
        );
        p.sort();
        p.dedup();
        p
    }

    fn load_path(dir: &std::path::Path, data: &[u8]) -> (SuppressionList, ImportSummary, String) {
        let path = dir.join("master.csv");
        std::fs::write(&path, data).unwrap();
        let mut list = already_loaded();
        let summary = list.load_path(&path, None, "master").unwrap();
        (list, summary, path.display().to_string())
    }

    /// A list that holds keys before the master list is loaded into it.
    fn already_loaded() -> SuppressionList {
        let mut list = SuppressionList::default();
        list.set_now(NOW);
        for a in ["user3@example.com", "first@example.com"] {
            list.add(SuppressionRecord::new(
                "",
                a,
                Reason::Manual,
                Scope::All,
                "crm",
            ));
        }
        list
    }

    fn assert_same(a: &SuppressionList, b: &SuppressionList, probes: &[String], what: &str) {
        assert_eq!(a.len(), b.len(), "{what}");
        assert_eq!(a.key_count(), b.key_count(), "{what}");
        assert_eq!(a.records(), b.records(), "{what}");
        let (mut wa, mut wb) = (Vec::new(), Vec::new());
        a.write_csv(&mut wa).unwrap();
        b.write_csv(&mut wb).unwrap();
        assert_eq!(wa, wb, "{what}");
        for p in probes {
            for at in [None, Some(NOW + 100 * DAY), Some(T0)] {
                assert_eq!(a.status(p, at), b.status(p, at), "{what}: {p}");
            }
            for kind in [
                MailKind::Marketing,
                MailKind::Transactional,
                MailKind::Critical,
            ] {
                assert_eq!(
                    a.blocked_key(p, kind),
                    b.blocked_key(p, kind),
                    "{what}: {p}"
                );
                let status = a.status(p, None);
                if status.canonical.as_deref() == Some(p) {
                    let blocked = a.blocked_key(p, kind).is_some();
                    assert_eq!(a.blocking(p, kind).is_some(), blocked, "{what}: {p}");
                }
                let first = status.restrictions.into_iter().find(|r| r.blocks(kind));
                assert_eq!(a.blocking(p, kind), first, "{what}: {p}");
            }
        }
    }

    /// Loading in parts on all threads gives the list that the general CSV path gives, for
    /// every part size, line ending and oddity, and input the splitter cannot read exactly
    /// goes the general way.
    #[test]
    fn parts_load_the_same_list_as_the_csv_path() {
        let master = merged_master();
        let lf = mangled(&master);
        let crlf = lf.replace('\n', "\r\n");
        let unterminated = lf.trim_end().to_string();
        let bom = format!("\u{feff}{lf}");
        let header_only = "canonical,address,reason,scope,since,expires,sources".to_string();
        let quoted = lf.replacen(
            "late@example.com,,delivered",
            "\"late@example.com\",,manual",
            1,
        );
        let bare_cr = lf.replacen("short@example.com\n", "short@example.com\rx\n", 1);
        let mut bad_utf8 = lf.clone().into_bytes();
        let at = bad_utf8.len() / 2;
        bad_utf8[at] = 0xff;
        let cases: [(&str, Vec<u8>, bool); 8] = [
            ("lf", lf.clone().into_bytes(), true),
            ("crlf", crlf.into_bytes(), true),
            ("unterminated", unterminated.into_bytes(), true),
            ("bom", bom.into_bytes(), true),
            ("header only", header_only.into_bytes(), true),
            ("quoted", quoted.into_bytes(), false),
            ("bare cr", bare_cr.into_bytes(), false),
            ("bad utf-8", bad_utf8, false),
        ];
        let dir = tempfile::tempdir().unwrap();
        for (what, data, fast) in cases {
            let (expected, expected_summary, file) = load_path(dir.path(), &data);
            assert!(expected.len() > 100 || what == "header only", "{what}");
            let probes = probes(&data);
            for part_bytes in [1, 97, 4096, 1 << 30] {
                let what = format!("{what}, parts of {part_bytes}");
                assert_eq!(plan(&data, part_bytes).is_some(), fast, "{what}");
                let mut list = already_loaded();
                let summary = list
                    .load_master_in_parts(&file, &data, "master", part_bytes)
                    .unwrap();
                assert_eq!(summary, expected_summary, "{what}");
                assert_same(&list, &expected, &probes, &what);
            }
        }
    }

    /// Rejected rows keep their physical line, after blank lines and with `\r\n` endings too.
    #[test]
    fn rejects_keep_their_lines() {
        let data = "canonical,address,reason,scope,since,expires,sources\n\n\
                    a@example.com,,manual,all,,,\n\n\nb@example.com,,nope,all,,,\n";
        let mut list = SuppressionList::default();
        let summary = list
            .load_master_in_parts("m.csv", data.as_bytes(), "", 1)
            .unwrap();
        let lines: Vec<u64> = summary.rejects.iter().map(|r| r.line).collect();
        assert_eq!(lines, [6]);
        let crlf = data.replace('\n', "\r\n");
        let summary = list
            .load_master_in_parts("m.csv", crlf.as_bytes(), "", 1)
            .unwrap();
        let lines: Vec<u64> = summary.rejects.iter().map(|r| r.line).collect();
        assert_eq!(lines, [6]);
    }
}
