//! Typo correction of domains: suggest only when confident, abstain otherwise.
//!
//! PLACEHOLDER: a minimal corrector so the crate builds; replaced by the full design.
use serde::Serialize;

/// A suggested correction of a mistyped domain.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Suggestion {
    /// The full corrected address (the local part unchanged).
    pub address: String,
    /// The corrected domain.
    pub domain: String,
    /// Edit distance between the typed and the suggested domain.
    pub distance: u32,
    /// Confidence in (0, 1].
    pub confidence: f32,
}

/// The domains typo correction corrects towards.
#[derive(Debug, Clone, Default)]
pub struct TypoCorrector {
    targets: Vec<String>,
}

impl TypoCorrector {
    /// The built-in targets.
    pub fn builtin() -> Self {
        TypoCorrector {
            targets: ["gmail.com", "yahoo.com", "hotmail.com", "outlook.com"]
                .map(String::from)
                .to_vec(),
        }
    }

    /// A corrected domain for `domain` (lowercase), with its distance and confidence.
    /// `known` says whether a domain is real and must be left alone.
    pub fn suggest_domain(
        &self,
        domain: &str,
        known: &dyn Fn(&str) -> bool,
    ) -> Option<(String, u32, f32)> {
        if known(domain) {
            return None;
        }
        let mut hits = self
            .targets
            .iter()
            .filter(|t| strsim::damerau_levenshtein(domain, t) == 1);
        let first = hits.next()?;
        hits.next().is_none().then(|| (first.clone(), 1, 0.9))
    }
}
