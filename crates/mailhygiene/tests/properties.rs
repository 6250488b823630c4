//! Property tests of the address engine (proptest).
use mailhygiene::{check, parse, Checker};
use proptest::prelude::*;

/// Strings that look like addresses: atext, dots, plus tags, some Unicode, some junk.
fn addressish() -> impl Strategy<Value = String> {
    let local = "[a-zA-Z0-9._+!#$%&'*/=?^`{|}~-]{1,20}|[a-zA-Zéßİσ用户.+]{1,12}";
    let domain = "([a-zA-Z0-9-]{1,12}\\.){1,3}[a-zA-Z]{2,6}|[a-zé-ü]{1,10}\\.(com|de|рф|中国)|(gmail|googlemail|outlook|hotmail|icloud|yahoo)\\.com";
    (local, domain).prop_map(|(l, d)| format!("{l}@{d}"))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn never_panics_on_any_string(s in any::<String>()) {
        let c = check(&s);
        prop_assert_eq!(c.valid, c.error.is_none());
        let _ = Checker::default().check_exact(&s);
        let _ = mailhygiene::suggest(&s);
    }

    #[test]
    fn never_panics_on_addressish_strings(s in addressish()) {
        let c = check(&s);
        prop_assert_eq!(c.valid, c.address.is_some());
        prop_assert_eq!(c.valid, c.canonical.is_some());
    }

    #[test]
    fn canonical_is_idempotent(s in addressish()) {
        if let Ok(key) = mailhygiene::canonical(&s) {
            let again = mailhygiene::canonical(&key);
            prop_assert_eq!(again, Ok(key));
        }
    }

    #[test]
    fn a_valid_address_reparses_to_itself(s in addressish()) {
        if let Ok(a) = parse(&s) {
            prop_assert_eq!(parse(a.as_str()), Ok(a.clone()));
            prop_assert_eq!(parse(&a.to_ascii()).map(|b| b.as_str().to_owned()), Ok(a.as_str().to_owned()));
        }
    }

    #[test]
    fn ascii_and_unicode_domain_forms_agree(s in addressish()) {
        if let Ok(a) = parse(&s) {
            let from_ascii = parse(&format!("x@{}", a.domain_ascii())).unwrap();
            let from_unicode = parse(&format!("x@{}", a.domain())).unwrap();
            prop_assert_eq!(from_ascii.domain(), a.domain());
            prop_assert_eq!(from_unicode.domain_ascii(), a.domain_ascii());
            prop_assert!(a.domain_ascii().is_ascii());
        }
    }
}

/// A few domains shared by many inputs, valid and not, so the checker's per-domain cache is
/// hit with many different local parts and by inputs whose other parts are invalid.
fn shared_domain_inputs() -> impl Strategy<Value = Vec<String>> {
    let local = "[a-zA-Z0-9._+-]{0,10}|[a-zé.+]{1,6}|\"[a-z ]{1,4}\"";
    let domain = prop::sample::select(vec![
        "gmail.com",
        "GMail.com",
        "googlemail.com",
        "bücher.example",
        "xn--bcher-kva.example",
        "xn--zz.example",
        "example.123",
        "a..com",
        "-x.com",
        "localhost",
        "gmial.com",
        "[192.0.2.1]",
        "straße.de",
        "outlook.com.",
        "x.y",
    ]);
    prop::collection::vec((local, domain).prop_map(|(l, d)| format!("{l}@{d}")), 1..40)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    /// The cached paths (`check`, `normalize`, `canonical`, batches) answer exactly what the
    /// uncached parser and key give, whatever the cache has seen before.
    #[test]
    fn cached_domains_answer_like_the_parser(inputs in shared_domain_inputs()) {
        let options = mailhygiene::ParseOptions::new().allow_domain_literal(true);
        let checker = Checker::builder().options(options).build();
        let batch = checker.check_many(&inputs);
        for (s, from_batch) in inputs.iter().zip(&batch) {
            let c = checker.check(s);
            prop_assert_eq!(&c, from_batch);
            match mailhygiene::parse_with(s, &options) {
                Ok(a) => {
                    prop_assert_eq!(c.address.as_deref(), Some(a.as_str()));
                    prop_assert_eq!(c.address_ascii, Some(a.to_ascii()));
                    let (key, rules) = checker.canonical_of(&a);
                    prop_assert_eq!(c.canonical.as_deref(), Some(key.as_str()));
                    prop_assert_eq!(&c.rules, &rules);
                    prop_assert_eq!(checker.canonical(s), Ok(key));
                    prop_assert_eq!(checker.normalize(s), Ok(a));
                }
                Err(e) => {
                    prop_assert_eq!(c.error, Some(e.code()));
                    prop_assert_eq!(c.message, Some(e.to_string()));
                    prop_assert_eq!(checker.canonical(s), Err(e.clone()));
                    prop_assert_eq!(c.suggestion, checker.suggest(s).map(|x| x.address));
                }
            }
        }
    }
}
