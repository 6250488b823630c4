//! The embedded data files keep their invariants (sorted, unique, lowercase A-labels, the
//! categories apart), and [`DomainLists`] behaves as documented at runtime.
use std::collections::HashSet;
use std::path::PathBuf;

use mailhygiene::{check, is_public_suffix, Checker, DomainList, DomainLists, RoleList};

fn data(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("data")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The data rows (comments and blank lines skipped), as `(line number, row)`.
fn rows(text: &str) -> Vec<(usize, &str)> {
    text.lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim_end()))
        .filter(|(_, l)| !l.is_empty() && !l.starts_with('#'))
        .collect()
}

/// The first column of each row of a domain list.
fn domains(name: &str) -> Vec<String> {
    rows(&data(name))
        .into_iter()
        .map(|(_, l)| l.split('\t').next().unwrap().to_owned())
        .collect()
}

fn header(name: &str) -> String {
    data(name)
        .lines()
        .take_while(|l| l.starts_with('#'))
        .collect::<Vec<_>>()
        .join("\n")
}

fn assert_sorted_unique(name: &str, keys: &[String]) {
    for w in keys.windows(2) {
        assert!(
            w[0] < w[1],
            "{name}: {:?} then {:?}: not sorted or duplicated",
            w[0],
            w[1]
        );
    }
}

fn assert_a_label(name: &str, domain: &str) {
    assert!(
        domain.is_ascii(),
        "{name}: {domain:?} is not ASCII (A-labels only)"
    );
    assert_eq!(
        domain,
        domain.to_ascii_lowercase(),
        "{name}: {domain:?} not lowercase"
    );
    for label in domain.split('.') {
        assert!(
            !label.is_empty() && label.len() <= 63,
            "{name}: {domain:?}: label length"
        );
        assert!(
            label
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-'),
            "{name}: {domain:?}: letters, digits and hyphens only"
        );
        assert!(
            !label.starts_with('-') && !label.ends_with('-'),
            "{name}: {domain:?}: label starts or ends with '-'"
        );
    }
    assert!(
        domain.contains('.'),
        "{name}: {domain:?} has a single label"
    );
    // A punycode label must decode, and the whole domain must round-trip through UTS-46.
    let (unicode, result) = idna::domain_to_unicode(domain);
    assert!(result.is_ok(), "{name}: {domain:?} does not decode");
    assert_eq!(
        idna::domain_to_ascii(&unicode).ok().as_deref(),
        Some(domain),
        "{name}: {domain:?} is not in A-label form"
    );
}

const DOMAIN_FILES: [&str; 3] = ["disposable.txt", "free.txt", "relay.txt"];

#[test]
fn domain_lists_are_sorted_unique_lowercase_a_labels() {
    for name in DOMAIN_FILES {
        let keys = domains(name);
        assert!(!keys.is_empty(), "{name} is empty");
        assert_sorted_unique(name, &keys);
        for d in &keys {
            assert_a_label(name, d);
            assert!(!is_public_suffix(d), "{name}: {d:?} is a public suffix");
        }
    }
}

#[test]
fn data_files_name_source_and_licence() {
    for name in ["disposable.txt", "free.txt", "relay.txt", "roles.tsv"] {
        let h = header(name).to_lowercase();
        assert!(h.contains("source"), "{name}: header names no source");
        if name != "relay.txt" {
            // Generated files: upstream version, licence and generation date.
            assert!(h.contains("licence"), "{name}: header names no licence");
            assert!(h.contains("generated 20"), "{name}: header has no date");
            assert!(
                h.contains("npm ") || h.contains("pypi "),
                "{name}: no version"
            );
        }
    }
}

#[test]
fn relay_rows_cite_a_source() {
    for (line, row) in rows(&data("relay.txt")) {
        let source = row.split('\t').nth(1).unwrap_or("");
        assert!(
            source.starts_with("https://"),
            "relay.txt:{line}: {row:?} has no source URL"
        );
    }
}

/// Whether `domain` or a parent at a label boundary is in `set`.
fn under(set: &HashSet<String>, domain: &str) -> bool {
    let mut d = domain;
    loop {
        if set.contains(d) {
            return true;
        }
        match d.split_once('.') {
            Some((_, rest)) => d = rest,
            None => return false,
        }
    }
}

#[test]
fn categories_do_not_overlap() {
    let disposable: HashSet<String> = domains("disposable.txt").into_iter().collect();
    let relay: HashSet<String> = domains("relay.txt").into_iter().collect();
    for d in &disposable {
        assert!(!under(&relay, d), "disposable.txt: {d} is a relay");
    }
    for d in domains("free.txt") {
        assert!(!under(&relay, &d), "free.txt: {d} is a relay");
        assert!(!under(&disposable, &d), "free.txt: {d} is disposable");
    }
}

#[test]
fn free_list_has_the_big_providers_and_their_regional_variants() {
    let free: HashSet<String> = domains("free.txt").into_iter().collect();
    for d in [
        "gmail.com",
        "googlemail.com",
        "yahoo.com",
        "yahoo.co.uk",
        "yahoo.co.jp",
        "yahoo.com.br",
        "ymail.com",
        "rocketmail.com",
        "hotmail.com",
        "hotmail.co.uk",
        "hotmail.fr",
        "outlook.com",
        "outlook.fr",
        "live.com",
        "live.nl",
        "msn.com",
        "aol.com",
        "icloud.com",
        "me.com",
        "mac.com",
        "mail.com",
        "gmx.de",
        "gmx.net",
        "gmx.at",
        "web.de",
        "yandex.ru",
        "yandex.com",
        "mail.ru",
        "proton.me",
        "protonmail.com",
        "zoho.com",
        "fastmail.com",
        "qq.com",
        "163.com",
        "naver.com",
        "t-online.de",
        "orange.fr",
        "libero.it",
        "mailo.com",
    ] {
        assert!(free.contains(d), "free.txt lacks {d}");
    }
}

#[test]
fn roles_file_is_sorted_unique_normalised_with_categories() {
    let text = data("roles.tsv");
    let rows = rows(&text);
    assert_eq!(rows[0].1, "local\tcategory", "roles.tsv header row");
    let mut keys = Vec::new();
    for &(line, row) in &rows[1..] {
        let (local, category) = row
            .split_once('\t')
            .unwrap_or_else(|| panic!("roles.tsv:{line}: two columns"));
        assert!(
            local
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()),
            "roles.tsv:{line}: {local:?} is not in matching form (lowercase, no separators)"
        );
        assert!(
            [
                "noreply",
                "rfc2142",
                "marketing",
                "notification",
                "meeting",
                "other"
            ]
            .contains(&category),
            "roles.tsv:{line}: unknown category {category:?}"
        );
        keys.push(local.to_owned());
    }
    assert_sorted_unique("roles.tsv", &keys);
    let roles = RoleList::builtin();
    // RFC 2142 names and the noreply spellings are all there.
    for local in [
        "postmaster",
        "hostmaster",
        "abuse",
        "webmaster",
        "noc",
        "security",
        "info",
    ] {
        assert_eq!(roles.category(local), Some("rfc2142"), "{local}");
    }
    for local in [
        "noreply",
        "no-reply",
        "No.Reply",
        "no_reply",
        "NoReply+x",
        "donotreply",
        "do-not-reply",
    ] {
        assert_eq!(roles.category(local), Some("noreply"), "{local}");
    }
}

#[test]
fn role_matching_is_whole_local_part() {
    let roles = RoleList::builtin();
    assert_eq!(roles.category("INFO+promo"), Some("rfc2142"));
    assert_eq!(roles.category("info.john"), None);
    assert_eq!(roles.category("johninfo"), None);
    assert_eq!(roles.category("+info"), None);
    assert_eq!(roles.category(&"a".repeat(200)), None);
    assert_eq!(roles.category(""), None);
    assert_eq!(roles.category("ínfo"), None);
    let mut custom = RoleList::empty();
    assert_eq!(custom.category("info"), None);
    custom.add("Team-Lead", "business");
    assert_eq!(custom.category("team.lead+x"), Some("business"));
    custom.remove("teamlead");
    assert_eq!(custom.category("team.lead"), None);
}

#[test]
fn runtime_add_remove_and_allow() {
    let mut lists = DomainLists::empty();
    assert!(!lists.contains(DomainList::Disposable, "throwaway.example"));
    lists.add(DomainList::Disposable, "Throwaway.Example.");
    assert!(lists.contains(DomainList::Disposable, "throwaway.example"));
    assert!(lists.contains(DomainList::Disposable, "a.b.throwaway.example"));
    lists.remove(DomainList::Disposable, "throwaway.example");
    assert!(!lists.contains(DomainList::Disposable, "throwaway.example"));

    // Unicode input is stored as A-labels.
    lists.add(DomainList::Free, "bücher.example");
    assert!(lists.contains(DomainList::Free, "xn--bcher-kva.example"));

    // The free list matches exactly: a subdomain of a free provider is somebody's own host.
    lists.add(DomainList::Free, "freemail.example");
    assert!(!lists.contains(DomainList::Free, "corp.freemail.example"));
}

#[test]
fn allow_always_wins() {
    let mut lists = DomainLists::builtin();
    assert!(lists.flags("mailinator.com").disposable);
    lists.allow("mailinator.com");
    assert!(!lists.flags("mailinator.com").disposable);
    assert!(!lists.flags("sub.mailinator.com").disposable);
    // Allowing first and listing afterwards: still allowed.
    let mut lists = DomainLists::empty();
    lists.allow("example.org");
    lists.add(DomainList::Disposable, "example.org");
    assert!(!lists.contains(DomainList::Disposable, "example.org"));

    let checker = Checker::builder()
        .add_domain(DomainList::Disposable, "corp.example")
        .allow_domain("corp.example")
        .build();
    assert!(!checker.check("a@corp.example").disposable);
}

#[test]
fn parents_match_at_label_boundaries_and_never_through_a_public_suffix() {
    let mut lists = DomainLists::empty();
    lists.add(DomainList::Disposable, "tmail.com");
    assert!(!lists.contains(DomainList::Disposable, "hotmail.com"));
    assert!(lists.contains(DomainList::Disposable, "x.tmail.com"));
    // A listed public suffix never matches its children (nor does a listed private one).
    for suffix in ["co.uk", "com", "github.io"] {
        lists.add(DomainList::Disposable, suffix);
    }
    assert!(!lists.contains(DomainList::Disposable, "example.co.uk"));
    assert!(!lists.contains(DomainList::Disposable, "example.com"));
    assert!(!lists.contains(DomainList::Disposable, "someone.github.io"));
}

#[test]
fn relay_is_never_disposable_nor_free() {
    let mut lists = DomainLists::builtin();
    // Even when a user lists a relay as disposable or free by mistake.
    lists.add(DomainList::Disposable, "duck.com");
    lists.add(DomainList::Free, "duck.com");
    let f = lists.flags("duck.com");
    assert!(f.relay && !f.disposable && !f.free);
    let c = check("x@privaterelay.appleid.com");
    assert!(c.relay && !c.disposable && !c.free);
    let c = check("alias@me.33mail.com");
    assert!(c.relay && !c.disposable && !c.free);
}

#[test]
fn typosquats_stay_disposable_and_get_a_suggestion() {
    let c = check("john@gmial.com");
    assert_eq!(c.suggestion.as_deref(), Some("john@gmail.com"));
}

#[test]
fn typo_table_is_sorted_a_labels_under_public_suffixes() {
    let text = data("typo-domains.tsv");
    let rows = rows(&text);
    assert_eq!(
        rows[0].1, "domain\tkind\tnote",
        "typo-domains.tsv header row"
    );
    let keys: Vec<String> = rows[1..]
        .iter()
        .map(|(_, r)| r.split('\t').next().unwrap().to_owned())
        .collect();
    assert_sorted_unique("typo-domains.tsv", &keys);
    for &(line, row) in &rows[1..] {
        let f: Vec<&str> = row.split('\t').collect();
        assert_eq!(f.len(), 3, "typo-domains.tsv:{line}: three columns");
        assert!(
            ["target", "real"].contains(&f[1]),
            "typo-domains.tsv:{line}: kind"
        );
        assert!(!f[2].is_empty(), "typo-domains.tsv:{line}: a note says why");
        assert_a_label("typo-domains.tsv", f[0]);
        // The corrector keeps the suffix of a table domain as real: it must be one.
        let (_, suffix) = f[0].split_once('.').unwrap();
        assert!(
            is_public_suffix(suffix),
            "typo-domains.tsv:{line}: {suffix} is not a public suffix"
        );
    }
}
