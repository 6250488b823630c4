#!/usr/bin/env python3
"""Deterministic corpus for scripts/bench-merge.sh: RECORDS suppression rows over about
DISTINCT addresses, spread over the export formats of five mail systems, in files of at most
ROWS_PER_FILE rows (the weekly "drop everything in one folder" job).

usage: gen-merge-corpus.py OUT_DIR [RECORDS] [DISTINCT] [ROWS_PER_FILE]
Same arguments, same bytes: the generator uses its own seeded PRNG.
"""
import os
import random
import sys

out = sys.argv[1]
records = int(sys.argv[2]) if len(sys.argv) > 2 else 10_000_000
distinct = int(sys.argv[3]) if len(sys.argv) > 3 else 4_000_000
per_file = int(sys.argv[4]) if len(sys.argv) > 4 else 200_000
rng = random.Random(20261123)

# A 2024 time range, as Unix seconds.
T0, T1 = 1_704_067_200, 1_735_689_600
DOMAINS = ["gmail.com", "yahoo.com", "outlook.com", "example.com", "example.org",
           "shop.example", "mail.example.net", "corp.example"]
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
DAYS = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"]


def address(i):
    # Some Gmail addresses with dots and tags, so canonical keys merge spellings.
    d = DOMAINS[i % len(DOMAINS)]
    if d == "gmail.com" and i % 3 == 0:
        return f"user.{i}+news@gmail.com"
    return f"user{i}@{d}"


def rfc2822(t):
    days, s = divmod(t, 86400)
    import datetime
    dt = datetime.datetime.fromtimestamp(t, datetime.timezone.utc)
    return f"{DAYS[days % 7]}, {dt.day:02d} {MONTHS[dt.month - 1]} {dt.year} {s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d} UTC"


# (folder, file stem, header, row writer, share of records)
def sendgrid_unsub(a, t):
    return f"{a},{t}"


def sendgrid_bounce(a, t):
    if rng.random() < 0.3:
        return f'{a},{t},"452 4.2.2 mailbox full",4.2.2'
    return f'{a},{t},"550 5.1.1 user unknown",5.1.1'


def mailgun_bounce(a, t):
    return f'{a},550,"550 5.1.1 no such user","{rfc2822(t)}"'


def mailgun_unsub(a, t):
    return f'{a},*,"{rfc2822(t)}"'


def mailgun_complaint(a, t):
    return f'{a},"{rfc2822(t)}"'


def ses_row(a, t):
    return f"{a},{'COMPLAINT' if rng.random() < 0.1 else 'BOUNCE'}"


KINDS = [
    ("sendgrid", "unsubscribes", "email,created", sendgrid_unsub, 0.30),
    ("sendgrid", "bounces", "email,created,reason,status", sendgrid_bounce, 0.20),
    ("mailgun", "bounces", "address,code,error,created_at", mailgun_bounce, 0.15),
    ("mailgun", "unsubscribes", "address,tags,created_at", mailgun_unsub, 0.15),
    ("mailgun", "complaints", "address,created_at", mailgun_complaint, 0.05),
    ("ses", "import", None, ses_row, 0.15),
]

for system, stem, header, row, share in KINDS:
    n = int(records * share)
    folder = os.path.join(out, system)
    os.makedirs(folder, exist_ok=True)
    part = 0
    written = 0
    while written < n:
        rows = min(per_file, n - written)
        with open(os.path.join(folder, f"{stem}_{part:03d}.csv"), "w", newline="") as f:
            lines = [header] if header else []
            for _ in range(rows):
                lines.append(row(address(rng.randrange(distinct)), rng.randrange(T0, T1)))
            f.write("\n".join(lines) + "\n")
        written += rows
        part += 1
    print(f"{system}/{stem}: {n} rows in {part} files", file=sys.stderr)
