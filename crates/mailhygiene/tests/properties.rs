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
