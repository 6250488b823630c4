//! UTC timestamps as text for the merge outputs: RFC 3339 out, RFC 3339 / date / Unix seconds in.
//!
//! Kept tiny and dependency-free: the merge only ever writes UTC (`2026-01-02T03:04:05Z`) and reads
//! back what it wrote, plus the few forms a person types for `--now` or an engagement file.

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day count (inverse of [`days_from_civil`]).
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (
        if m <= 2 {
            yoe + era * 400 + 1
        } else {
            yoe + era * 400
        },
        m,
        d,
    )
}

/// Format Unix seconds as `YYYY-MM-DDTHH:MM:SSZ`.
///
/// ```
/// assert_eq!(mailhygiene::suppression::format_time(0), "1970-01-01T00:00:00Z");
/// ```
pub fn format_time(t: i64) -> String {
    let mut s = String::with_capacity(20);
    push_time(&mut s, t);
    s
}

/// [`format_time`] appended to `buf`: the outputs write this for millions of rows, so it
/// formats digits by hand instead of allocating.
pub(crate) fn push_time(buf: &mut String, t: i64) {
    let (y, m, d) = civil_from_days(t.div_euclid(86_400));
    let s = t.rem_euclid(86_400);
    if (0..=9999).contains(&y) {
        push_digits(buf, y, 4);
    } else {
        use std::fmt::Write;
        let _ = write!(buf, "{y:04}");
    }
    buf.push('-');
    push_digits(buf, m, 2);
    buf.push('-');
    push_digits(buf, d, 2);
    buf.push('T');
    push_clock(buf, s);
    buf.push('Z');
}

/// `HH:MM:SS` of a second of the day.
pub(crate) fn push_clock(buf: &mut String, s: i64) {
    push_digits(buf, s / 3600, 2);
    buf.push(':');
    push_digits(buf, s / 60 % 60, 2);
    buf.push(':');
    push_digits(buf, s % 60, 2);
}

/// `n` (0 ≤ n < 10^width) zero-padded to `width` digits.
pub(crate) fn push_digits(buf: &mut String, n: i64, width: u32) {
    let mut p = 10i64.pow(width - 1);
    while p > 0 {
        buf.push(char::from(b'0' + (n / p % 10) as u8));
        p /= 10;
    }
}

/// The date of Unix seconds: (year, month, day).
pub(crate) fn civil_date(t: i64) -> (i64, i64, i64) {
    civil_from_days(t.div_euclid(86_400))
}

/// Parse `YYYY-MM-DD`, `YYYY-MM-DDTHH:MM[:SS][.frac](Z|±HH:MM)` (a space may replace `T`; no zone
/// means UTC) or plain Unix seconds, to Unix seconds UTC.
///
/// ```
/// use mailhygiene::suppression::parse_time;
/// assert_eq!(parse_time("1970-01-02"), Some(86_400));
/// assert_eq!(parse_time("1970-01-01T01:00:00+01:00"), Some(0));
/// assert_eq!(parse_time("86400"), Some(86_400));
/// assert_eq!(parse_time("1716191110000"), Some(1_716_191_110)); // milliseconds
/// assert_eq!(parse_time("yesterday"), None);
/// ```
pub fn parse_time(text: &str) -> Option<i64> {
    let s = text.trim();
    if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) && s.len() != 8 {
        return s.parse().ok().map(super::time::unix_seconds);
    }
    let b = s.as_bytes();
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        let part = s.get(r)?;
        part.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| part.parse().ok())?
    };
    if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) {
        return None;
    }
    let mut t = days_from_civil(y, mo, d) * 86_400;
    if b.len() == 10 {
        return Some(t);
    }
    if !matches!(b[10], b'T' | b't' | b' ') || b.len() < 16 || b[13] != b':' {
        return None;
    }
    let (h, mi) = (num(11..13)?, num(14..16)?);
    let mut i = 16;
    let mut sec = 0;
    if b.get(i) == Some(&b':') {
        sec = num(17..19)?;
        i = 19;
        if b.get(i) == Some(&b'.') {
            i += 1;
            while b.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
        }
    }
    if h > 23 || mi > 59 || sec > 60 {
        return None;
    }
    t += h * 3600 + mi * 60 + sec;
    match &s[i..] {
        "" | "Z" | "z" | " UTC" | "UTC" => Some(t),
        zone => {
            let sign = match zone.as_bytes()[0] {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            let z = zone[1..].replace(':', "");
            if z.len() != 4 || !z.bytes().all(|c| c.is_ascii_digit()) {
                return None;
            }
            let off = z[..2].parse::<i64>().ok()? * 3600 + z[2..].parse::<i64>().ok()? * 60;
            Some(t - sign * off)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        for t in [
            0,
            951_782_400,
            1_700_000_000,
            -86_400,
            4_102_444_799,
            1_709_164_800,
        ] {
            assert_eq!(parse_time(&format_time(t)), Some(t), "{t}");
        }
        // 2024-02-29 (leap day) computed by hand: 19782 days * 86400.
        assert_eq!(parse_time("2024-02-29"), Some(19_782 * 86_400));
        assert_eq!(format_time(19_782 * 86_400), "2024-02-29T00:00:00Z");
    }

    #[test]
    fn formats_like_the_standard_formatter() {
        // Years outside 0..=9999 take the slow path; both must agree with `format!`.
        for t in [
            0,
            -1,
            59,
            86_399,
            1_700_000_000,
            253_402_300_799,
            253_402_300_800,
            -62_167_219_201,
        ] {
            let (y, m, d) = civil_date(t);
            let s = t.rem_euclid(86_400);
            let expected = format!(
                "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
                s / 3600,
                s / 60 % 60,
                s % 60
            );
            assert_eq!(format_time(t), expected, "{t}");
        }
    }

    #[test]
    fn rejects_garbage() {
        for s in [
            "",
            "2024-13-01",
            "2024-01-01T25:00",
            "2024-01-01T10:00+0x:00",
            "20240101",
        ] {
            assert_eq!(parse_time(s), None, "{s}");
        }
    }
}
