#!/usr/bin/env python3
"""Regenerate the upstream-derived data files of the core crate and print what changed.

Files written (all in crates/mailhygiene/data/):

* disposable.txt  from PyPI `disposable-email-domains` (CC0-1.0)
* free.txt        from npm `free-email-domains` (MIT), filtered (see `build_free`)
* roles.tsv       from npm `role-based-email-addresses` (MIT) plus RFC 2142 and noreply spellings

relay.txt is curated by hand (every row cites the provider's own page); this script only
normalises and sorts it, and uses it to keep relays out of the other lists.

Network: only the package registries, through their ordinary clients (`pip download`,
`npm pack`), into a temporary directory. Nothing else is fetched.

Usage: scripts/refresh-data.py [--dry-run]
"""
from __future__ import annotations

import argparse
import ast
import datetime as dt
import json
import re
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "crates" / "mailhygiene" / "data"

# --- curated adjustments (each says why) -------------------------------------------------

# Real consumer providers with a free plan that the upstream free list lacks.
FREE_ADD = {
    "mailo.com",  # French free webmail (deep-email-validator #84 "corrected" it)
    "tuta.com",  # Tuta (ex Tutanota) free plan; tuta.io is upstream already
    "tutanota.com",
    "tutanota.de",
    "tutamail.com",
    "keemail.me",  # Tuta's extra free-plan domains
    "pm.me",  # Proton
    "protonmail.ch",
    "gmx.at",
    "gmx.ch",
    "gmx.fr",
    "gmx.es",
    "gmx.co.uk",
    "gmx.us",
    "yandex.com",
    "yandex.ua",
    "yandex.by",
    "yandex.kz",
    "ya.ru",
}

# Upstream free-list rows that are not consumer mailbox providers.
FREE_DROP = {
    "facebook.com",  # a social network, not a mailbox provider
    "test.com",  # placeholders
    "test.de",
    "example.com",
    "nus.edu.sg",  # a university
    # Typosquats of big providers: a free-list entry is "known" and would never be corrected.
    "outiook.com",  # outlook.com
    "vahoo.com",  # yahoo.com
    "sbcglbal.net",  # sbcglobal.net
}

# Rows of the broad mailchecker list (used only to filter the free list) that are real
# free providers: mailchecker over-blocks (see shared/research: 24k of Reacher's free
# domains are in it). These stay free.
FREE_KEEP_DESPITE_MAILCHECKER = {
    "consultant.com",  # mail.com vanity domains
    "dr.com",
    "myself.com",
    "techie.com",
    "writeme.com",
    "email.com",
    "hush.com",  # Hushmail
    "tom.com",  # Chinese portal mail
    "vfemail.net",
    "safe-mail.net",
    "latinmail.com",
    "mail2world.com",
    "hongkong.com",
}

# Words in a second-level label that mark a throwaway service; see build_free.
THROWAWAY_NAME = re.compile(r"temp|trash|minute|throwaway|spam|dispos|fake|burner|junk|tmp")

# Generic TLDs older than the 2013 round; see build_free.
LEGACY_GTLDS = {
    "com", "net", "org", "info", "biz", "name", "pro", "edu", "gov", "int", "mil", "mobi",
    "asia", "tel", "coop", "aero", "travel", "museum", "cat", "jobs",
}

# RFC 2142 section 3-5 mailbox names, plus common operational names of the same kind.
RFC2142 = [
    "abuse", "noc", "security",  # section 4, network operations
    "info", "marketing", "sales", "support",  # section 3, business
    "postmaster", "hostmaster", "usenet", "news", "webmaster", "www", "uucp", "ftp",  # s. 5
]

# noreply spellings: all map to the "noreply" category (separators are ignored by the matcher).
NOREPLY = [
    "noreply", "no-reply", "no.reply", "no_reply", "donotreply", "do-not-reply",
    "do.not.reply", "dontreply", "dont-reply", "noreplies", "noresponse", "no-response",
    "bounce", "bounces", "mailer-daemon", "mailerdaemon", "notifications-noreply",
]

# Upstream role rows that are not role accounts: keyboard mash, years and given names.
ROLE_DROP = {
    "a", "aa", "abc", "asd", "asdasd", "asdf", "123", "alexa", "arin", "paris", "sydney",
    "india", "china", "me", "random",
} | {str(y) for y in range(2000, 2040)}

# --- helpers ---------------------------------------------------------------------------


def run(cmd: list[str], cwd: Path) -> str:
    return subprocess.run(cmd, cwd=cwd, check=True, capture_output=True, text=True).stdout


def to_alabel(domain: str) -> str | None:
    """Lowercase A-labels, or None when the row is not a domain name."""
    d = domain.strip().strip(".").lower()
    if not d or any(c.isspace() for c in d) or "@" in d:
        return None
    if not d.isascii():
        try:
            import idna  # UTS-46, like the Rust side

            d = idna.encode(d, uts46=True).decode("ascii")
        except ImportError:
            d = d.encode("idna").decode("ascii")
        except Exception:
            return None
    return d


class Psl:
    """Just enough of the Public Suffix List algorithm (rules, wildcards, exceptions)."""

    def __init__(self, text: str, icann_only: bool):
        self.rules: set[str] = set()
        self.wild: set[str] = set()
        self.exc: set[str] = set()
        for line in text.splitlines():
            line = line.strip()
            if icann_only and "===END ICANN DOMAINS===" in line:
                break
            if not line or line.startswith("//"):
                continue
            rule = to_alabel(line.split()[0].lstrip("!*."))
            if rule is None:
                continue
            if line.startswith("!"):
                self.exc.add(rule)
            elif line.startswith("*."):
                self.wild.add(rule)
            else:
                self.rules.add(rule)

    def suffix(self, domain: str) -> str:
        labels = domain.split(".")
        for i in range(len(labels)):
            cand = ".".join(labels[i:])
            if cand in self.exc:
                return ".".join(labels[i + 1:])
            if cand in self.rules:
                return cand
            if i + 1 < len(labels) and ".".join(labels[i + 1:]) in self.wild:
                return cand
        return labels[-1]  # the implicit "*" rule

    def registrable(self, domain: str) -> str | None:
        s = self.suffix(domain)
        if s == domain:
            return None
        head = domain[: -len(s) - 1]
        return head.rsplit(".", 1)[-1] + "." + s


def under(domain: str, parents: set[str]) -> bool:
    """Whether domain or a parent at a label boundary is in parents."""
    d = domain
    while True:
        if d in parents:
            return True
        if "." not in d:
            return False
        d = d.split(".", 1)[1]


def read_rows(path: Path) -> list[str]:
    if not path.exists():
        return []
    return [
        l.rstrip("\n") for l in path.read_text().splitlines()
        if l.strip() and not l.startswith("#")
    ]


def old_keys(path: Path, skip_header: bool = False) -> set[str]:
    rows = read_rows(path)
    if skip_header:
        rows = rows[1:]
    return {r.split("\t")[0] for r in rows}


def role_key(local: str) -> str:
    """The same normal form as RoleList in src/lists.rs: lowercase, no +tag, no . - _."""
    p = local.find("+")
    if p > 0:
        local = local[:p]
    return re.sub(r"[._-]", "", local.lower())


# --- fetching (registry clients only) ----------------------------------------------------


def pip_fetch(tmp: Path, name: str) -> tuple[str, Path]:
    out = tmp / "pip"
    run([sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", "-d", str(out), name], tmp)
    wheel = next(out.glob("*.whl"))
    version = wheel.name.split("-")[1]
    dest = tmp / name
    with zipfile.ZipFile(wheel) as z:
        z.extractall(dest)
    return version, dest


def npm_fetch(tmp: Path, name: str) -> tuple[str, Path]:
    tgz = run(["npm", "pack", "--silent", name], tmp).strip().splitlines()[-1]
    dest = tmp / name
    with tarfile.open(tmp / tgz) as t:
        t.extractall(dest, filter="data") if hasattr(tarfile, "data_filter") else t.extractall(dest)
    pkg = dest / "package"
    version = json.loads((pkg / "package.json").read_text())["version"]
    return version, pkg


# --- builders ------------------------------------------------------------------------------


def load_relay() -> tuple[list[tuple[str, str]], set[str]]:
    rows = []
    for r in read_rows(DATA / "relay.txt"):
        domain, _, source = r.partition("\t")
        d = to_alabel(domain)
        assert d and source.strip(), f"relay.txt row without a source: {r!r}"
        rows.append((d, source.strip()))
    rows = sorted(dict(rows).items())
    return rows, {d for d, _ in rows}


def build_disposable(tmp: Path, relay: set[str], psl: Psl) -> tuple[str, set[str]]:
    version, root = pip_fetch(tmp, "disposable-email-domains")
    src = (root / "disposable_email_domains" / "__init__.py").read_text()
    # The module is one set literal: read it as data, do not import it.
    tree = ast.parse(src)
    raw = next(
        ast.literal_eval(n.value) for n in tree.body
        if isinstance(n, ast.Assign) and getattr(n.targets[0], "id", "") == "blocklist"
    )
    domains = {d for d in map(to_alabel, raw) if d}
    # Aliases are never disposable; a public suffix would never match anyway (lists.rs).
    domains = {d for d in domains if not under(d, relay) and psl.suffix(d) != d}
    header = f"""# Disposable (throwaway) mailbox domains. A listed domain also covers its subdomains.
# Source: disposable-email-domains (PyPI {version}), disposable_email_blocklist.conf of
#   https://github.com/disposable-email-domains/disposable-email-domains, licence CC0-1.0.
# Privacy relays are removed here (they are listed in relay.txt, never as disposable).
# Generated {TODAY} by scripts/refresh-data.py; do not edit by hand.
"""
    return header, domains


def build_free(
    tmp: Path, disposable: set[str], relay: set[str], psl: Psl, icann: Psl
) -> tuple[str, set[str]]:
    version, pkg = npm_fetch(tmp, "free-email-domains")
    raw = json.loads((pkg / "domains.json").read_text())
    # free-email-domains is HubSpot's free-provider list merged with two disposable lists
    # (its scripts/postinstall.mjs). Take the disposable part back out: our disposable list,
    # and mailchecker's broader list (used here as a filter only).
    mc_version, mc = npm_fetch(tmp, "mailchecker")
    js = (mc / "platform" / "node" / "index.js").read_text()
    mailchecker = set(json.loads(re.search(r"new Set\((\[.*?\])\)", js, re.S).group(1)))
    domains = set()
    for d in filter(None, map(to_alabel, raw)):
        if d in FREE_DROP or under(d, disposable) or under(d, relay):
            continue
        if d in mailchecker and d not in FREE_KEEP_DESPITE_MAILCHECKER:
            continue
        # A provider's mail domain is a registrable domain under an ICANN suffix; rows below
        # one (x.dynv6.net, foo.cu.cc) are hosted throwaway names from the merged lists.
        if icann.registrable(d) != d or psl.suffix(d) == d:
            continue
        # HubSpot's list predates the new gTLDs; rows on them (.xyz, .store, .site …) come from
        # the merged throwaway lists. Free providers sit on ccTLDs and the legacy gTLDs.
        # A name that says "throwaway" (30minutesmail, trashmailr, nur-fuer-spam) is one.
        if THROWAWAY_NAME.search(d.split(".", 1)[0]):
            continue
        tld = d.rsplit(".", 1)[-1]
        if len(tld) != 2 and tld not in LEGACY_GTLDS:
            continue
        domains.add(d)
    for d in FREE_ADD:
        assert not under(d, disposable) and not under(d, relay), d
    domains |= FREE_ADD
    header = f"""# Consumer mailbox providers with a free plan (and consumer ISP mail). Exact domains only.
# Source: free-email-domains (npm {version}, https://github.com/Kikobeats/free-email-domains),
#   licence MIT, minus: disposable.txt, relay.txt, mailchecker (npm {mc_version}, MIT) except a
#   reviewed keep-list, rows that are not a registrable ICANN domain, and a few non-providers;
#   plus a few providers it lacks. The curated sets are in scripts/refresh-data.py.
# Generated {TODAY} by scripts/refresh-data.py; do not edit by hand.
"""
    return header, domains


def build_roles(tmp: Path) -> tuple[str, dict[str, str]]:
    version, pkg = npm_fetch(tmp, "role-based-email-addresses")
    js = (pkg / "src" / "index.js").read_text()
    roles: dict[str, str] = {}

    def put(local: str, category: str) -> None:
        k = role_key(local)
        if k and k not in ROLE_DROP:
            roles.setdefault(k, category)

    # Precedence: the first category set for a key wins.
    for local in NOREPLY:
        put(local, "noreply")
    for local in RFC2142:
        put(local, "rfc2142")
    for const, body in re.findall(r"const (\w+) = \[(.*?)\];", js, re.S):
        for local in re.findall(r"'([^']+)'", body):
            # mixmax files noreply spellings under "notification": keep them one category.
            cat = "noreply" if "noreply" in role_key(local) or "donotreply" in role_key(local) else const.lower()
            put(local, cat)
    header = f"""# Role-account local parts and their category. The local column is the matching key:
# lowercase, without '+tag' and without '.', '-', '_' (see RoleList in src/lists.rs).
# Sources: role-based-email-addresses (npm {version}, https://github.com/mixmaxhq/role-based-email-addresses,
#   licence MIT; categories marketing, notification, meeting, other), RFC 2142 mailbox names
#   (category rfc2142) and noreply spellings (category noreply); keyboard mash, years and
#   given names are dropped. Generated {TODAY} by scripts/refresh-data.py; do not edit by hand.
local\tcategory
"""
    return header, roles


# --- writing and reporting -------------------------------------------------------------------


def summary(name: str, old: set[str], new: set[str]) -> None:
    added, removed = sorted(new - old), sorted(old - new)
    print(f"{name}: {len(new)} entries, +{len(added)} -{len(removed)}")
    for sign, items in (("+", added), ("-", removed)):
        for d in items[:10]:
            print(f"    {sign} {d}")
        if len(items) > 10:
            print(f"    {sign} … {len(items) - 10} more")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--dry-run", action="store_true", help="print the diff summary only")
    args = ap.parse_args()

    psl_text = (DATA / "public_suffix_list.dat").read_text()
    psl, icann = Psl(psl_text, icann_only=False), Psl(psl_text, icann_only=True)
    relay_rows, relay = load_relay()

    with tempfile.TemporaryDirectory() as t:
        tmp = Path(t)
        dis_header, disposable = build_disposable(tmp, relay, psl)
        free_header, free = build_free(tmp, disposable, relay, psl, icann)
        roles_header, roles = build_roles(tmp)

    outputs = {
        "disposable.txt": (dis_header, sorted(disposable)),
        "free.txt": (free_header, sorted(free)),
        "roles.tsv": (roles_header, [f"{k}\t{roles[k]}" for k in sorted(roles)]),
    }
    relay_path = DATA / "relay.txt"
    relay_header = "".join(l + "\n" for l in relay_path.read_text().splitlines() if l.startswith("#"))
    outputs["relay.txt"] = (relay_header, [f"{d}\t{s}" for d, s in relay_rows])

    for name, (header, rows) in outputs.items():
        path = DATA / name
        summary(name, old_keys(path, skip_header=name.endswith(".tsv")), {r.split("\t")[0] for r in rows})
        if not args.dry_run:
            path.write_text(header + "".join(r + "\n" for r in rows))
    if args.dry_run:
        print("(dry run: nothing written)")
    return 0


TODAY = dt.datetime.now(dt.timezone.utc).date().isoformat()

if __name__ == "__main__":
    sys.exit(main())
