//! The numbers of one `clean` run: the closing summary, `--report x.json` and `--report x.html`.
use std::fmt::Write as _;

use rustc_hash::FxHashMap;
use serde::Serialize;

use super::engine::Verdict;
use super::policy::{Category, Policy};

/// How likely a row is to hard-bounce, by what is known about it. These are estimates,
/// chosen to rank lists, not measurements:
/// - invalid syntax cannot be delivered at all: 1.0;
/// - a suppression for `hard_bounce` or `invalid` means it already bounced: 1.0 (other
///   suppression reasons — unsubscribes, complaints — do not bounce: 0);
/// - a mistyped domain that was not fixed mostly has no mail server, or is a spam trap: 0.5;
/// - a disposable mailbox usually no longer exists by the time a campaign goes out: 0.3;
/// - role mailboxes are more often removed or restricted than personal ones: 0.02.
///
/// A row counts with its largest weight; a list's risk is the mean over its rows. `as_sent`:
/// the row as it will be mailed (a typo fixed by `--fix-typos` no longer counts), rather than
/// as given.
pub fn bounce_weight(v: &Verdict, as_sent: bool) -> f64 {
    let c = v.categories;
    let suppressed_bounce = v
        .suppression
        .as_ref()
        .is_some_and(|s| matches!(s.reason.as_str(), "hard_bounce" | "invalid"));
    if c.contains(Category::Invalid) || suppressed_bounce {
        1.0
    } else if c.contains(Category::Typo) && !(as_sent && v.fixed) {
        0.5
    } else if c.contains(Category::Disposable) {
        0.3
    } else if c.contains(Category::Role) {
        0.02
    } else {
        0.0
    }
}

/// A count of something.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Count {
    /// What.
    pub name: String,
    /// How many rows.
    pub rows: u64,
}

/// One category across the run.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct CategoryCount {
    /// The category code.
    pub category: &'static str,
    /// Rows in it.
    pub rows: u64,
    /// Whether the policy rejects it.
    pub rejects: bool,
    /// Rows rejected because of it (it was their most serious rejecting category).
    pub rejected: u64,
    /// Rows kept with this flag.
    pub kept: u64,
}

/// A mistyped domain and its fix.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct TypoDomain {
    /// As typed.
    pub domain: String,
    /// The suggested domain.
    pub fix: String,
    /// Rows.
    pub rows: u64,
}

/// A domain of the list.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct DomainCount {
    /// The domain.
    pub domain: String,
    /// Rows.
    pub rows: u64,
    /// Rows kept.
    pub kept: u64,
}

/// Hard-bounce risk before and after cleaning.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Risk {
    /// Of every row.
    pub before: f64,
    /// Of the kept rows.
    pub after: f64,
    /// `low` (< 2 %), `elevated` (< 5 %), `high`: many providers warn at 2 %, Amazon SES
    /// reviews accounts at 5 %.
    pub level: &'static str,
}

/// Everything `clean` counted.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Report {
    /// The contacts file.
    pub input: String,
    /// The email column's header.
    pub column: String,
    /// The delimiter (`,`, `;`, `\t`, `|`).
    pub delimiter: String,
    /// The encoding read.
    pub encoding: String,
    /// Data rows (header excluded).
    pub rows: u64,
    /// Rows kept.
    pub kept: u64,
    /// Rows rejected.
    pub rejected: u64,
    /// Empty lines skipped (they hold no cell).
    pub blank_lines: u64,
    /// Rows with an original cell neutralised against formula execution.
    pub neutralized_rows: u64,
    /// Rows whose typo was fixed (`--fix-typos`).
    pub fixed_typos: u64,
    /// Per category, in precedence order.
    pub categories: Vec<CategoryCount>,
    /// Rejected rows by reason, in precedence order (only reasons that occurred).
    pub rejected_by: Vec<Count>,
    /// Share of all rows that are role accounts.
    pub role_share: f64,
    /// Share of all rows on disposable domains.
    pub disposable_share: f64,
    /// Share of all rows on free providers.
    pub free_share: f64,
    /// The most frequent mistyped domains.
    pub typo_domains: Vec<TypoDomain>,
    /// The most frequent domains (valid rows).
    pub top_domains: Vec<DomainCount>,
    /// Suppressed rows by source (a row held by two sources counts for both).
    pub suppression_sources: Vec<Count>,
    /// Suppressed rows by reason.
    pub suppression_reasons: Vec<Count>,
    /// Suppression files loaded and their records.
    pub suppression_lists: Vec<Count>,
    /// Rows that repeat an earlier row's canonical key.
    pub duplicate_rows: u64,
    /// Distinct keys that occur more than once.
    pub duplicate_groups: u64,
    /// Invalid rows by error code.
    pub invalid_errors: Vec<Count>,
    /// Hard-bounce risk.
    pub hard_bounce_risk: Risk,
}

/// Collects the report row by row, in row order.
#[derive(Default)]
pub struct Collector {
    per_category: [[u64; 3]; 8], // rows, rejected, kept
    kept: u64,
    rejected: u64,
    rows: u64,
    neutralized: u64,
    fixed: u64,
    weight_all: f64,
    weight_kept: f64,
    typos: FxHashMap<(String, String), u64>,
    domains: FxHashMap<String, (u64, u64)>,
    sources: FxHashMap<String, u64>,
    reasons: FxHashMap<String, u64>,
    errors: FxHashMap<&'static str, u64>,
    duplicate_groups: u64,
}

impl Collector {
    /// Count one row.
    pub fn add(
        &mut self,
        v: &Verdict,
        rejected_by: Option<Category>,
        typed_domain: Option<&str>,
        neutralized: bool,
        first_duplicate: bool,
    ) {
        self.rows += 1;
        let kept = rejected_by.is_none();
        if kept {
            self.kept += 1;
        } else {
            self.rejected += 1;
        }
        for c in v.categories.iter() {
            let slot = &mut self.per_category[c as usize];
            slot[0] += 1;
            if kept {
                slot[2] += 1;
            }
        }
        if let Some(c) = rejected_by {
            self.per_category[c as usize][1] += 1;
        }
        self.neutralized += u64::from(neutralized);
        self.fixed += u64::from(v.fixed);
        self.duplicate_groups += u64::from(first_duplicate);
        // Before: the list as given, whatever `--fix-typos` then does; after: as it is sent.
        self.weight_all += bounce_weight(v, false);
        if kept {
            self.weight_kept += bounce_weight(v, true);
        }
        if let (Some(typed), Some(s)) = (typed_domain, v.suggestion.as_deref()) {
            if let Some(at) = s.rfind('@') {
                *self
                    .typos
                    .entry((typed.to_owned(), s[at + 1..].to_owned()))
                    .or_default() += 1;
            }
        }
        if let Some(d) = v.domain() {
            let e = match self.domains.get_mut(d) {
                Some(e) => e,
                None => self.domains.entry(d.to_owned()).or_default(),
            };
            e.0 += 1;
            e.1 += u64::from(kept);
        }
        if let Some(s) = &v.suppression {
            for src in &s.sources {
                *self.sources.entry(src.clone()).or_default() += 1;
            }
            *self.reasons.entry(s.reason.clone()).or_default() += 1;
        }
        if let Some(e) = v.error {
            *self.errors.entry(e).or_default() += 1;
        }
    }

    /// Add the counts of another collector (of later rows).
    pub fn merge(&mut self, other: Collector) {
        for (a, b) in self.per_category.iter_mut().zip(other.per_category) {
            for (x, y) in a.iter_mut().zip(b) {
                *x += y;
            }
        }
        self.kept += other.kept;
        self.rejected += other.rejected;
        self.rows += other.rows;
        self.neutralized += other.neutralized;
        self.fixed += other.fixed;
        self.weight_all += other.weight_all;
        self.weight_kept += other.weight_kept;
        self.duplicate_groups += other.duplicate_groups;
        for (k, n) in other.typos {
            *self.typos.entry(k).or_default() += n;
        }
        for (k, (n, m)) in other.domains {
            let e = self.domains.entry(k).or_default();
            e.0 += n;
            e.1 += m;
        }
        for (k, n) in other.sources {
            *self.sources.entry(k).or_default() += n;
        }
        for (k, n) in other.reasons {
            *self.reasons.entry(k).or_default() += n;
        }
        for (k, n) in other.errors {
            *self.errors.entry(k).or_default() += n;
        }
    }

    /// Number of rows counted, kept, rejected.
    pub fn totals(&self) -> (u64, u64, u64) {
        (self.rows, self.kept, self.rejected)
    }

    /// The finished report.
    pub fn finish(self, head: ReportHead, policy: &Policy) -> Report {
        let share = |c: Category| ratio(self.per_category[c as usize][0], self.rows);
        let after = if self.kept == 0 {
            0.0
        } else {
            self.weight_kept / self.kept as f64
        };
        let before = if self.rows == 0 {
            0.0
        } else {
            self.weight_all / self.rows as f64
        };
        let mut typo_domains: Vec<TypoDomain> = self
            .typos
            .into_iter()
            .map(|((domain, fix), rows)| TypoDomain { domain, fix, rows })
            .collect();
        typo_domains.sort_by(|a, b| b.rows.cmp(&a.rows).then_with(|| a.domain.cmp(&b.domain)));
        typo_domains.truncate(15);
        let mut top_domains: Vec<DomainCount> = self
            .domains
            .into_iter()
            .map(|(domain, (rows, kept))| DomainCount { domain, rows, kept })
            .collect();
        top_domains.sort_by(|a, b| b.rows.cmp(&a.rows).then_with(|| a.domain.cmp(&b.domain)));
        top_domains.truncate(15);
        Report {
            input: head.input,
            column: head.column,
            delimiter: head.delimiter,
            encoding: head.encoding,
            rows: self.rows,
            kept: self.kept,
            rejected: self.rejected,
            blank_lines: head.blank_lines,
            neutralized_rows: self.neutralized,
            fixed_typos: self.fixed,
            categories: Category::ALL
                .into_iter()
                .map(|c| {
                    let [rows, rejected, kept] = self.per_category[c as usize];
                    CategoryCount {
                        category: c.code(),
                        rows,
                        rejects: policy.rejects(c),
                        rejected,
                        kept,
                    }
                })
                .collect(),
            rejected_by: Category::ALL
                .into_iter()
                .filter(|&c| self.per_category[c as usize][1] > 0)
                .map(|c| Count {
                    name: c.code().to_owned(),
                    rows: self.per_category[c as usize][1],
                })
                .collect(),
            role_share: share(Category::Role),
            disposable_share: share(Category::Disposable),
            free_share: share(Category::Free),
            typo_domains,
            top_domains,
            suppression_sources: sorted_counts(self.sources),
            suppression_reasons: sorted_counts(self.reasons),
            suppression_lists: head.suppression_lists,
            duplicate_rows: self.per_category[Category::Duplicate as usize][0],
            duplicate_groups: self.duplicate_groups,
            invalid_errors: sorted_counts(self.errors),
            hard_bounce_risk: Risk {
                before,
                after,
                level: if after < 0.02 {
                    "low"
                } else if after < 0.05 {
                    "elevated"
                } else {
                    "high"
                },
            },
        }
    }
}

/// What the run knows before counting rows.
pub struct ReportHead {
    /// See [`Report::input`].
    pub input: String,
    /// See [`Report::column`].
    pub column: String,
    /// See [`Report::delimiter`].
    pub delimiter: String,
    /// See [`Report::encoding`].
    pub encoding: String,
    /// See [`Report::blank_lines`].
    pub blank_lines: u64,
    /// See [`Report::suppression_lists`].
    pub suppression_lists: Vec<Count>,
}

fn ratio(a: u64, b: u64) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

fn sorted_counts<K: ToString>(m: FxHashMap<K, u64>) -> Vec<Count> {
    let mut v: Vec<Count> = m
        .into_iter()
        .map(|(k, rows)| Count {
            name: k.to_string(),
            rows,
        })
        .collect();
    v.sort_by(|a, b| b.rows.cmp(&a.rows).then_with(|| a.name.cmp(&b.name)));
    v
}

/// Percent with one decimal, as the summary and the HTML page show it.
pub fn pct(x: f64) -> String {
    format!("{:.1}%", x * 100.0)
}

impl Report {
    /// The closing summary for people.
    pub fn summary(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(
            s,
            "{} rows in = {} kept + {} rejected",
            self.rows, self.kept, self.rejected
        );
        let _ = writeln!(
            s,
            "{:<12} {:>9} {:>9} {:>9}",
            "category", "rows", "rejected", "kept"
        );
        for c in &self.categories {
            let _ = writeln!(
                s,
                "{:<12} {:>9} {:>9} {:>9}{}",
                c.category,
                c.rows,
                c.rejected,
                c.kept,
                if c.rejects { "  (rejected)" } else { "" }
            );
        }
        if self.fixed_typos > 0 {
            let _ = writeln!(s, "typos fixed: {}", self.fixed_typos);
        }
        if self.neutralized_rows > 0 {
            let _ = writeln!(
                s,
                "rows with a formula cell neutralised: {}",
                self.neutralized_rows
            );
        }
        if self.blank_lines > 0 {
            let _ = writeln!(s, "blank lines skipped: {}", self.blank_lines);
        }
        let _ = writeln!(
            s,
            "hard-bounce risk: {} before, {} after cleaning ({})",
            pct(self.hard_bounce_risk.before),
            pct(self.hard_bounce_risk.after),
            self.hard_bounce_risk.level
        );
        s
    }

    /// `--report x.json`.
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).expect("a report serializes");
        s.push('\n');
        s
    }

    /// `--report x.html`: one self-contained page; the numbers are filled in by its inline
    /// script from the same JSON.
    pub fn to_html(&self) -> String {
        let json = serde_json::to_string(self)
            .expect("a report serializes")
            // Inside <script>: "</script>" and "<!--" must not appear; `<` only occurs inside
            // JSON strings, where \u003c means the same.
            .replace('<', "\\u003c");
        HTML.replace(
            "__TITLE__",
            &html_escape(&format!("List health — {}", self.input)),
        )
        .replace("__DATA__", &json)
    }
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

const HTML: &str = include_str!("report.html");
