//! Checker configuration and caching behaviour through the public API.
use mailhygiene::{Checker, DomainList, ProviderRule};

#[test]
fn the_per_thread_domain_cache_never_leaks_between_checkers() {
    let plain = Checker::default();
    let strict = Checker::builder()
        .add_domain(DomainList::Disposable, "example.com")
        .build();
    for _ in 0..3 {
        assert!(!plain.check("x@example.com").disposable);
        assert!(strict.check("x@example.com").disposable);
    }
    // A clone shares the configuration, and so may share the cache.
    let copy = strict.clone();
    assert!(copy.check("y@example.com").disposable);
}

#[test]
fn batch_single_and_cached_calls_agree() {
    let checker = Checker::builder()
        .provider_rule(ProviderRule::new("corp.example").strip_dots(true))
        .allow_domain("mailinator.com")
        .build();
    let inputs = [
        "J.Doe@corp.example",
        "x@mailinator.com",
        "bob@yaho.com",
        "bob@yaho.com",
        "info@acme.io",
        "",
        "broken@@x.com",
        "  Jane <jane@bücher.example> ",
    ];
    let single: Vec<_> = inputs.iter().map(|s| checker.check(s)).collect();
    assert_eq!(checker.check_many(&inputs), single);
    let mut cached = checker.cached();
    let streamed: Vec<_> = inputs.iter().map(|s| cached.check(s)).collect();
    assert_eq!(streamed, single);
    assert_eq!(single[0].canonical.as_deref(), Some("jdoe@corp.example"));
    assert!(!single[1].disposable);
    assert_eq!(single[2].suggestion.as_deref(), Some("bob@yahoo.com"));
}
