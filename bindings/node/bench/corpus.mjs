// A seeded, generated corpus of list cells: mostly ordinary addresses at common and company
// domains, with the messes real lists have (tags, dots, case, display names, whitespace,
// typos, Unicode, invalid rows). Same seed, same corpus, so runs compare.

function mulberry32(seed) {
  return () => {
    seed |= 0
    seed = (seed + 0x6d2b79f5) | 0
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const FIRST = ['john', 'jane', 'maria', 'wei', 'olga', 'ahmed', 'lucas', 'emma', 'noah', 'sofia', 'liam', 'mia', 'info', 'sales', 'support']
const LAST = ['smith', 'doe', 'garcia', 'chen', 'ivanova', 'khan', 'silva', 'brown', 'muller', 'rossi', 'kim', 'nguyen']
const DOMAINS = [
  'gmail.com', 'gmail.com', 'gmail.com', 'yahoo.com', 'hotmail.com', 'outlook.com', 'icloud.com',
  'googlemail.com', 'aol.com', 'gmx.de', 'web.de', 'example.com', 'acme-corp.com', 'mail.example.org',
  'company.co.uk', 'startup.io', 'university.edu', 'mailinator.com', 'privaterelay.appleid.com',
]
const TYPOS = ['gmial.com', 'gmail.co', 'yaho.com', 'hotmial.com', 'outlok.com']

export function corpus(n, seed = 42) {
  const rnd = mulberry32(seed)
  const pick = (a) => a[Math.floor(rnd() * a.length)]
  const out = []
  for (let i = 0; i < n; i++) {
    const first = pick(FIRST)
    const last = pick(LAST)
    let local = rnd() < 0.5 ? `${first}.${last}` : `${first}${last}${Math.floor(rnd() * 1000)}`
    let domain = pick(DOMAINS)
    const r = rnd()
    let s
    if (r < 0.6) {
      s = `${local}@${domain}`
    } else if (r < 0.7) {
      s = `${local}+news@${domain}`
    } else if (r < 0.75) {
      s = `${local[0].toUpperCase()}${local.slice(1)}@${domain.toUpperCase()}`
    } else if (r < 0.8) {
      s = `"${first} ${last}" <${local}@${domain}>`
    } else if (r < 0.85) {
      s = ` ${local}@${domain} `
    } else if (r < 0.9) {
      s = `${local}@${pick(TYPOS)}`
    } else if (r < 0.93) {
      s = `${local}ü@bücher.example`
    } else if (r < 0.95) {
      s = `${local}..x@${domain}`
    } else if (r < 0.97) {
      s = `${local}${domain}`
    } else {
      s = `${first} ${last}@${domain}`
    }
    out.push(s)
  }
  return out
}
