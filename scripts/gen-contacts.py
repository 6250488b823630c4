#!/usr/bin/env python3
"""Deterministic synthetic contact lists for `mailhygiene clean` (examples and benchmarks).

    python3 scripts/gen-contacts.py                       # examples/contacts.csv + examples/suppressions/
    python3 scripts/gen-contacts.py --rows 1000000 --suppressions 1000000 --no-exports --out-dir /tmp/bench

Writes CONTACTS (6 columns: First Name, Last Name, Email Address, Company, Phone, Notes) with
what real CRM exports hold: typo domains, duplicates differing only by dots / case / +tags,
role accounts, disposable domains, invalid and messy cells (display names, mailto:, spaces),
notes with commas, quotes and embedded newlines, and cells that a spreadsheet would run as
formulas. A share of the addresses is also written to a suppression list in the master-list
format that `mailhygiene merge` writes, so that `clean --suppressions` has something to find. The same seed gives the same
bytes. All names and domains are made up.
"""
import argparse
import csv
import os
import random
import re

FIRST = ["Anna", "Ben", "Chloé", "David", "Emma", "Farid", "Grace", "Hugo", "Ines", "Jonas", "Kara",
         "Liam", "Mia", "Noah", "Olga", "Pablo", "Quinn", "Rosa", "Sven", "Tara", "Umar", "Vera",
         "Will", "Xia", "Yusuf", "Zoë", "José", "Søren", "Ana-Lucía", "O'Brien"]
LAST = ["Smith", "Müller", "Garcia", "Nguyen", "Kowalski", "Rossi", "Dubois", "Jensen", "Silva",
        "Khan", "Ivanova", "Tanaka", "Brown", "Novak", "Costa", "Schmidt", "Lee", "Martin",
        "Andersson", "O'Neil"]
FREE = ["gmail.com"] * 6 + ["yahoo.com"] * 2 + ["hotmail.com"] * 2 + ["outlook.com"] * 2 + [
    "icloud.com", "gmx.de", "web.de", "aol.com", "googlemail.com"]
TYPOS = {"gmail.com": ["gmial.com", "gmai.com", "gmail.co", "gmaill.com"],
         "yahoo.com": ["yaho.com", "yahooo.com", "yhoo.com"],
         "hotmail.com": ["hotmial.com", "hotmal.com", "hotmail.co"],
         "outlook.com": ["outlok.com", "outllook.com"]}
COMPANIES = ["Northwind Traders", "Blue Heron Labs", "Kestrel Logistics", "Tallgrass Foods",
             "Quillon Software", "Harbor & Pine", "Vireo Health", "Copperline Studio",
             "Meridian Parts GmbH", "Aster Consulting"]
DISPOSABLE = ["mailinator.com", "yopmail.com", "guerrillamail.com", "10minutemail.com",
              "trashmail.com", "sharklasers.com"]
RELAYS = ["privaterelay.appleid.com", "mozmail.com", "duck.com", "passmail.net", "simplelogin.com"]
ROLES = ["info", "sales", "support", "admin", "contact", "marketing", "billing", "noreply", "hr"]
INVALID = ["n/a", "", "john.doe(at)gmail.com", "jane..doe@example-corp.com", "bob@", "@nobody.com",
           "first last@gmail.com", "anna@gmail", "contact@@blueheron.io", "none", "-"]
REASONS = [("hard_bounce", "sendgrid"), ("hard_bounce", "mailchimp"), ("unsubscribe", "mailchimp"),
           ("unsubscribe", "hubspot"), ("complaint", "ses"), ("hard_bounce", "ses"),
           ("unsubscribe", "brevo"), ("manual", "crm")]


def company_domain(company):
    slug = "".join(c for c in company.lower().replace("&", "and") if c.isalnum() or c == " ")
    return slug.replace(" ", "-").replace("-gmbh", "") + (".de" if "GmbH" in company else ".com")


def variant(rng, email):
    """The same mailbox written differently: case, dots (gmail), +tag (gmail, outlook)."""
    local, domain = email.split("@", 1)
    kind = rng.randrange(3)
    if kind == 0:
        return local.capitalize() + "@" + domain.upper()
    if domain in ("gmail.com", "googlemail.com"):
        if kind == 1 and "." in local:
            return local.replace(".", "") + "@" + domain
        if kind == 1:
            return local[:1] + "." + local[1:] + "@" + domain
        return local + "+news@" + domain
    return " " + email.upper() + " "


def person(rng, i):
    first, last = rng.choice(FIRST), rng.choice(LAST)
    company = rng.choice(COMPANIES)
    style = rng.randrange(4)
    base = ["{f}.{l}", "{f}{l}", "{f0}{l}", "{f}_{l}"][style].format(
        f=ascii_fold(first), l=ascii_fold(last), f0=ascii_fold(first)[0])
    local = f"{base}{i % 997}" if rng.random() < 0.5 else f"{base}{i}"
    if rng.random() < 0.55:
        domain = rng.choice(FREE)
    else:
        domain = company_domain(company)
    return first, last, company, f"{local}@{domain}"


def ascii_fold(s):
    table = str.maketrans({"é": "e", "ë": "e", "ü": "u", "ø": "o", "í": "i", "ö": "o", "'": "", "-": ""})
    return s.lower().translate(table)


def phone(rng):
    r = rng.random()
    if r < 0.6:
        return f"({rng.randrange(200, 999)}) {rng.randrange(200, 999)}-{rng.randrange(1000, 9999)}"
    if r < 0.75:
        return f"+44 20 {rng.randrange(1000, 9999)} {rng.randrange(1000, 9999)}"
    if r < 0.9:
        return ""
    return f"0{rng.randrange(100, 999)} {rng.randrange(100000, 999999)}"


def notes(rng):
    r = rng.random()
    if r < 0.7:
        return ""
    if r < 0.8:
        return "Met at the trade fair, wants a demo"
    if r < 0.88:
        return 'Said "call me after Q3", prefers email'
    if r < 0.94:
        return "Line one of a note\nline two, with a comma"
    if r < 0.97:
        return '=HYPERLINK("http://example.invalid/x","click")'
    return "@mention the account manager"


PROVIDER_RULES = {"gmail.com": ("gmail.com", True, True), "googlemail.com": ("gmail.com", True, True),
                  "hotmail.com": ("hotmail.com", False, True), "outlook.com": ("outlook.com", False, True),
                  "icloud.com": ("icloud.com", False, True), "yahoo.com": ("yahoo.com", False, False)}


def canonical(address):
    """The canonical key for the simple addresses this script writes (lowercase; Gmail dots and
    +tags, Outlook/iCloud +tags), as `mailhygiene` computes it; the master list carries it."""
    local, domain = address.strip().lower().rsplit("@", 1)
    target, dots, tag = PROVIDER_RULES.get(domain, (domain, False, False))
    if tag and "+" in local:
        local = local.split("+", 1)[0]
    if dots:
        local = local.replace(".", "")
    return f"{local}@{target}"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=3000)
    ap.add_argument("--suppressions", type=int, default=0,
                    help="records in the suppression list (default: about 8%% of the rows)")
    ap.add_argument("--out-dir", default=os.path.join(os.path.dirname(__file__), "..", "examples"))
    ap.add_argument("--seed", type=int, default=20261123)
    ap.add_argument("--no-exports", dest="exports", action="store_false",
                    help="do not mix in the addresses of examples/exports")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    os.makedirs(args.out_dir, exist_ok=True)

    seen = []  # earlier clean addresses, for duplicates and suppressions
    rows = []
    for i in range(args.rows):
        first, last, company, email = person(rng, i)
        r = rng.random()
        cell = email
        if r < 0.06 and seen:  # duplicate of an earlier row, written differently
            cell = variant(rng, rng.choice(seen))
        elif r < 0.10:  # typo domain
            local, domain = email.split("@")
            if domain in TYPOS:
                cell = local + "@" + rng.choice(TYPOS[domain])
            else:
                cell = local + "@" + rng.choice(TYPOS["gmail.com"])
        elif r < 0.14:  # role account at a company
            cell = rng.choice(ROLES) + "@" + company_domain(company)
        elif r < 0.17:  # disposable
            cell = email.split("@")[0] + "@" + rng.choice(DISPOSABLE)
        elif r < 0.20:  # invalid
            cell = rng.choice(INVALID)
        elif r < 0.24:  # messy but valid
            m = rng.randrange(3)
            cell = [f'"{last}, {first}" <{email}>', f"mailto:{email}", f"  {email}\u00a0"][m]
            seen.append(email)
        else:
            seen.append(email)
        rows.append([first, last, cell, company, phone(rng), notes(rng)])

    # People who signed up through a privacy relay (Hide My Email, Firefox Relay, Duck, Proton
    # Pass, SimpleLogin): a flag of their own, never disposable. Examples only, from a random
    # source of their own, so that the benchmark lists keep their bytes.
    if args.exports:
        relay_rng = random.Random(args.seed + 1)
        for _ in range(args.rows // 100):
            token = "".join(relay_rng.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(10))
            domain = relay_rng.choice(RELAYS)
            rows[relay_rng.randrange(len(rows))][2] = f"{token}@{domain}"

    # People who are also in the example ESP exports (examples/exports, the importers' test
    # data): their rows meet real export formats when cleaned with --suppressions examples/exports.
    exports = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "examples", "exports")
    if args.exports and os.path.isdir(exports):
        found = set()
        for root, _, files in os.walk(exports):
            for name in files:
                if name.endswith((".csv", ".json", ".tsv")) and name != "manifest.tsv":
                    with open(os.path.join(root, name), encoding="utf-8-sig", errors="replace") as f:
                        found.update(re.findall(r"[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+", f.read()))
        for address in sorted(found):
            rows[rng.randrange(len(rows))][2] = address

    contacts = os.path.join(args.out_dir, "contacts.csv")
    with open(contacts, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\r\n")  # Excel's line ending
        w.writerow(["First Name", "Last Name", "Email Address", "Company", "Phone", "Notes"])
        w.writerows(rows)

    n_supp = args.suppressions or max(1, args.rows * 8 // 100)
    # Up to half of the list (at most 4 % of the rows) hits the contacts (a mix of sources and reasons); the rest are other people.
    picked = rng.sample(seen, min(len(seen), n_supp // 2, max(1, args.rows * 4 // 100))) if seen else []
    supp_dir = args.out_dir if args.suppressions else os.path.join(args.out_dir, "suppressions")
    os.makedirs(supp_dir, exist_ok=True)
    path = os.path.join(supp_dir, "suppressions.csv")
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        # The master list format that `mailhygiene merge` writes.
        w.writerow(["canonical", "address", "reason", "scope", "since", "expires", "sources"])
        others = FREE + [company_domain(c) for c in COMPANIES]
        records = []
        for j in range(n_supp):
            e = picked[j] if j < len(picked) else f"former.customer{j}@{rng.choice(others)}"
            reason, source = rng.choice(REASONS)
            scope = "marketing" if reason == "unsubscribe" else "all"
            since = f"2025-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}T{rng.randrange(24):02d}:00:00Z"
            records.append([canonical(e), e, reason, scope, since, "", f"{source}:newsletter"])
        # `merge` writes its rows in canonical-key order (byte order, as Rust compares text).
        records.sort(key=lambda r: r[0].encode("utf-8"))
        w.writerows(records)
    print(f"wrote {contacts} ({args.rows} rows) and {path} ({n_supp} records)")


if __name__ == "__main__":
    main()
