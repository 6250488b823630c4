//! A deterministic corpus of realistic list addresses for the benchmarks and comparison
//! scripts: Gmail with dots and +tags, other free providers, corporate domains, typos, roles,
//! disposable, relay, IDN and messy cells, in proportions seen in real contact lists.
//!
//! The generator is seeded, so every run and every language sees the same corpus
//! (`cargo run -p mailhygiene-benches --release --bin corpus -- 1000000 > corpus.txt`).

/// A small, fast, seeded PRNG (xorshift64*): the corpus must not depend on a crate's version.
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed.
    pub fn new(seed: u64) -> Self {
        Rng(seed.max(1))
    }
    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    /// A number below `n`.
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }
    /// One element of a slice.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

const FIRST: &[&str] = &[
    "john", "jane", "maria", "jose", "wei", "li", "anna", "peter", "olga", "ahmed", "fatima",
    "lucas", "emma", "noah", "sofia", "liam", "mia", "yuki", "hiro", "chloe", "jürgen", "zoë",
    "søren", "ana", "ivan",
];
const LAST: &[&str] = &[
    "smith", "doe", "garcia", "muller", "wang", "kim", "rossi", "dubois", "silva", "novak",
    "tanaka", "brown", "nguyen", "khan", "jones", "lopez", "schmidt", "martin", "costa", "larsen",
];
const FREE: &[&str] = &[
    "yahoo.com",
    "hotmail.com",
    "outlook.com",
    "aol.com",
    "icloud.com",
    "gmx.de",
    "web.de",
    "yahoo.co.uk",
    "hotmail.fr",
    "live.com",
    "mail.ru",
    "yandex.ru",
    "proton.me",
    "me.com",
    "qq.com",
];
const CORPORATE: &[&str] = &[
    "acme.com",
    "example-corp.com",
    "globex.io",
    "initech.net",
    "umbrella.co.uk",
    "stark-industries.com",
    "wayne.enterprises",
    "hooli.xyz",
    "contoso.com",
    "fabrikam.de",
    "northwind.fr",
    "tailspin.com.au",
    "wonka.co",
    "cyberdyne.systems",
    "soylent.com",
    "massive-dynamic.com",
    "aperture.science",
    "vandelay.org",
    "gringotts.bank",
    "oceanic-airlines.com",
];
const TYPOS: &[&str] = &[
    "gmial.com",
    "gmai.com",
    "gmail.con",
    "gmail.co",
    "yaho.com",
    "yahoo.cmo",
    "hotmial.com",
    "hotmail.con",
    "outlok.com",
    "gmailcom",
    "icloud.co",
    "aol.cm",
    "gnail.com",
    "yahooo.com",
];
const ROLES: &[&str] = &[
    "info", "sales", "support", "admin", "noreply", "no-reply", "contact", "billing", "office",
];
const DISPOSABLE: &[&str] = &[
    "mailinator.com",
    "guerrillamail.com",
    "10minutemail.com",
    "yopmail.com",
    "trashmail.com",
];
const RELAY: &[&str] = &[
    "privaterelay.appleid.com",
    "duck.com",
    "mozmail.com",
    "simplelogin.com",
];
const IDN: &[&str] = &[
    "bücher.example",
    "münchen.de",
    "例え.jp",
    "пример.рф",
    "straße.de",
];
const MESSY: &[&str] = &[
    "  John Doe <john.doe@gmail.com>  ",
    "mailto:jane@example.com?subject=hi",
    "bob@@example.com",
    "alice..smith@example.com",
    "N/A",
    "",
    "carol@example",
    "\"Smith, Dan\" <dan.smith@acme.com>",
    "eve@exa mple.com",
    "frank@example.com,",
];

fn person(rng: &mut Rng) -> String {
    let first = rng.pick(FIRST);
    let last = rng.pick(LAST);
    match rng.below(5) {
        0 => format!("{first}.{last}"),
        1 => format!("{first}{last}{}", rng.below(100)),
        2 => format!("{}{last}", &first[..1]),
        3 => format!("{first}_{last}"),
        _ => format!("{first}.{last}{}", 1950 + rng.below(60)),
    }
}

/// One corpus line.
pub fn address(rng: &mut Rng) -> String {
    let roll = rng.below(1000);
    match roll {
        // 35 %: Gmail, with dots, case and +tags
        0..=349 => {
            let mut local = person(rng);
            if rng.below(4) == 0 {
                local.push_str(&format!("+{}", rng.pick(&["news", "shop", "x", "2024"])));
            }
            if rng.below(10) == 0 {
                local = local.to_uppercase();
            }
            let domain = if rng.below(20) == 0 {
                "googlemail.com"
            } else {
                "gmail.com"
            };
            format!("{local}@{domain}")
        }
        // 25 %: other free providers
        350..=599 => format!("{}@{}", person(rng), rng.pick(FREE)),
        // 20 %: corporate
        600..=799 => format!("{}@{}", person(rng), rng.pick(CORPORATE)),
        // 4 %: typos
        800..=839 => format!("{}@{}", person(rng), rng.pick(TYPOS)),
        // 5 %: roles
        840..=889 => format!("{}@{}", rng.pick(ROLES), rng.pick(CORPORATE)),
        // 3 %: disposable
        890..=919 => format!("{}@{}", person(rng), rng.pick(DISPOSABLE)),
        // 2 %: relay
        920..=939 => format!("{:x}@{}", rng.next_u64() & 0xffff_ffff, rng.pick(RELAY)),
        // 3 %: IDN
        940..=969 => format!("{}@{}", person(rng), rng.pick(IDN)),
        // 3 %: messy cells
        _ => rng.pick(MESSY).to_string(),
    }
}

/// `n` corpus lines from the fixed seed.
pub fn corpus(n: usize) -> Vec<String> {
    let mut rng = Rng::new(0x6d61_696c_6879_6769);
    (0..n).map(|_| address(&mut rng)).collect()
}
