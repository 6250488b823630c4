//! The hashed exchange form, documented on [`KeyHash`].
use std::io::{self, Write};

use hmac::{KeyInit, Mac};
use sha2::{Digest, Sha256};

use super::clock::format_time;
use super::list::{LoadError, Parsed, SuppressionList, MASTER_SYSTEM};
use super::merge::{NEVER, UNDATED};
use super::output::{parse_rows, restriction_record};
use super::policy::Policy;

/// How canonical keys are hashed: the hashed exchange form.
///
/// A hashed key is the lower-case hex SHA-256 of the canonical key, or HMAC-SHA-256 with a key
/// both parties hold (Mapp's salted SHA-256 blacklists, research §3 "Hashed suppression lists").
/// Hashing minimises but does not anonymise: hashed addresses are still personal data (GDPR
/// Recital 26), and an unkeyed SHA-256 of a guessable address can be reversed by trying
/// addresses; prefer HMAC with a secret key between organisations.
///
/// File: `sha256,reason,scope,since,expires` (or `hmac_sha256,…`), one row per master row,
/// sorted by hash. Sources are left out on purpose: they name internal streams. Loaded back, the
/// keys are `sha256:<hex>` / `hmac-sha256:<hex>`. [`SuppressionList::status`] of a plain
/// address also looks up its hashed forms, and of a hashed key also the plain records whose
/// canonical key hashes to it (HMAC: when the list has the secret,
/// [`SuppressionList::set_hash_key`]), without naming their address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyHash {
    /// Hex SHA-256 of the canonical key.
    Sha256,
    /// Hex HMAC-SHA-256 of the canonical key with this secret.
    HmacSha256(Vec<u8>),
}

impl KeyHash {
    /// Prefix of SHA-256 keys in a list.
    pub const SHA256_PREFIX: &'static str = "sha256:";
    /// Prefix of HMAC-SHA-256 keys in a list.
    pub const HMAC_PREFIX: &'static str = "hmac-sha256:";

    /// The lower-case hex digest of a canonical key.
    ///
    /// ```
    /// use mailhygiene::suppression::KeyHash;
    /// // sha256("abc"), FIPS 180-2 appendix B.1
    /// assert_eq!(KeyHash::Sha256.digest("abc"),
    ///     "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    /// ```
    pub fn digest(&self, canonical: &str) -> String {
        hex::encode(self.digest_bytes(canonical))
    }

    /// The digest of a canonical key as bytes.
    pub(crate) fn digest_bytes(&self, canonical: &str) -> [u8; 32] {
        match self {
            KeyHash::Sha256 => Sha256::digest(canonical.as_bytes()).into(),
            KeyHash::HmacSha256(key) => {
                let mut mac =
                    <hmac::Hmac<Sha256> as KeyInit>::new_from_slice(key).expect("any key length");
                mac.update(canonical.as_bytes());
                mac.finalize().into_bytes().into()
            }
        }
    }

    /// The hash and digest of a hashed key `sha256:<hex>` / `hmac-sha256:<hex>` (hex in either
    /// case), or `None` for any other text. The HMAC secret is not in a key: `secret` is the
    /// list's, and without one an HMAC key is `None` too.
    pub(crate) fn parse_key(key: &str, secret: Option<&[u8]>) -> Option<(KeyHash, [u8; 32])> {
        let (hash, hex) = if let Some(hex) = key.strip_prefix(Self::SHA256_PREFIX) {
            (KeyHash::Sha256, hex)
        } else {
            let hex = key.strip_prefix(Self::HMAC_PREFIX)?;
            (KeyHash::HmacSha256(secret?.to_vec()), hex)
        };
        let mut digest = [0u8; 32];
        hex::decode_to_slice(hex, &mut digest).ok()?;
        Some((hash, digest))
    }

    /// The key a hashed list stores: prefix and digest.
    pub fn key(&self, canonical: &str) -> String {
        format!("{}{}", self.prefix(), self.digest(canonical))
    }

    pub(crate) fn prefix(&self) -> &'static str {
        match self {
            KeyHash::Sha256 => Self::SHA256_PREFIX,
            KeyHash::HmacSha256(_) => Self::HMAC_PREFIX,
        }
    }

    /// The first column's header.
    pub fn column(&self) -> &'static str {
        match self {
            KeyHash::Sha256 => "sha256",
            KeyHash::HmacSha256(_) => "hmac_sha256",
        }
    }
}

const REST: &str = "reason,scope,since,expires";

pub(crate) fn is_hashed_header(h: &str) -> bool {
    matches!(h.split_once(','), Some(("sha256" | "hmac_sha256", rest)) if rest == REST)
}

impl SuppressionList {
    /// Write the hashed list (see [`KeyHash`]). Keys that are already hashed are
    /// written as they are when the algorithm matches and skipped otherwise. Returns the number
    /// of rows written and skipped.
    pub fn write_hashed<W: Write>(&self, writer: W, hash: &KeyHash) -> io::Result<(u64, u64)> {
        let mut rows: Vec<(String, [String; 4])> = Vec::new();
        let mut skipped = 0;
        self.for_each_active(|k, actives, _, _, _| {
            let key = self.key_text(k);
            let digest = if let Some(h) = key.strip_prefix(hash.prefix()) {
                Some(h.to_string())
            } else if key.starts_with(KeyHash::SHA256_PREFIX)
                || key.starts_with(KeyHash::HMAC_PREFIX)
            {
                None
            } else {
                Some(hash.digest(key))
            };
            for a in actives {
                match &digest {
                    Some(d) => rows.push((
                        d.clone(),
                        [
                            a.reason.code().into(),
                            self.scope_of(a.scope).to_string(),
                            if a.since == UNDATED {
                                String::new()
                            } else {
                                format_time(a.since)
                            },
                            if a.expires == NEVER {
                                String::new()
                            } else {
                                format_time(a.expires)
                            },
                        ],
                    )),
                    None => skipped += 1,
                }
            }
        });
        // Sorted by hash so the file order reveals nothing about the addresses' order.
        rows.sort();
        let mut w = csv::Writer::from_writer(writer);
        w.write_record(std::iter::once(hash.column()).chain(REST.split(',')))?;
        for (d, cells) in &rows {
            w.write_record(std::iter::once(d.as_str()).chain(cells.iter().map(String::as_str)))?;
        }
        w.flush()?;
        Ok((rows.len() as u64, skipped))
    }
}

/// Read a hashed list into records keyed `sha256:<hex>` / `hmac-sha256:<hex>`.
pub(crate) fn parse_hashed(
    file: &str,
    data: &[u8],
    stream: &str,
    policy: &Policy,
) -> Result<Parsed, LoadError> {
    let first = String::from_utf8_lossy(data.split(|&b| b == b'\n').next().unwrap_or(&[]));
    let prefix = if first
        .trim_start_matches('\u{feff}')
        .starts_with("hmac_sha256")
    {
        KeyHash::HMAC_PREFIX
    } else {
        KeyHash::SHA256_PREFIX
    };
    parse_rows(file, data, stream, "hashed", |row, line, rec| {
        let cell = |i: usize| row.get(i).unwrap_or("").trim();
        let h = cell(0).to_ascii_lowercase();
        if h.len() != 64 || !h.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(("bad_hash", format!("'{}' is not 64 hex digits", cell(0))));
        }
        let key = format!("{prefix}{h}");
        let mut r = restriction_record(policy, &key, cell(1), cell(2), cell(3), cell(4))?;
        r.source_system = MASTER_SYSTEM.into();
        r.source_stream = stream.into();
        r.provenance.file = file.into();
        r.provenance.line = line;
        rec.push(r);
        Ok(())
    })
}
