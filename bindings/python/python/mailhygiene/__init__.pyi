"""Type stubs for mailhygiene (checked against the runtime by ``python -m mypy.stubtest``)."""

import os
from datetime import datetime
from types import GenericAlias
from typing import Any, Iterable, Iterator, Literal, Mapping, final, overload

__all__ = [
    "COLUMNS_SCHEMA",
    "ERROR_CODES",
    "SUPPRESSION_REASONS",
    "SYSTEMS",
    "Address",
    "Bounce",
    "Checker",
    "Classification",
    "ImportSummary",
    "InternalError",
    "InvalidAddressError",
    "MasterRow",
    "ProviderRule",
    "Reject",
    "Restriction",
    "Result",
    "Status",
    "Suggestion",
    "SuppressionError",
    "SuppressionList",
    "SuppressionRecord",
    "__version__",
    "canonical",
    "check",
    "check_many",
    "classify",
    "classify_bounce",
    "is_disposable",
    "is_free",
    "is_relay",
    "is_role",
    "normalize",
    "parse",
    "suggest",
]

__version__: str
ERROR_CODES: tuple[str, ...]
COLUMNS_SCHEMA: Mapping[str, type | GenericAlias]
"""Each column of ``check_many(columns=True)`` with the Python type of its values (read-only):
``polars.DataFrame(d, schema=COLUMNS_SCHEMA)``."""
SUPPRESSION_REASONS: tuple[str, ...]
SYSTEMS: tuple[str, ...]

class InternalError(RuntimeError):
    """A bug inside mailhygiene (a Rust panic), never a verdict on the input."""

class InvalidAddressError(ValueError):
    """An address that a function needs to be valid is not."""

    code: str
    """The stable snake_case error code (one of ``ERROR_CODES``)."""
    message: str
    """The human-readable explanation; its wording may improve."""
    input: str
    """The text the parser rejected."""

@final
class Result:
    """Everything known about one input; returned by ``check()`` and ``check_many()``."""

    @property
    def input(self) -> str:
        """The input as given."""
    @property
    def valid(self) -> bool:
        """Whether the input (after extraction, unless `exact=True`) is a valid address."""
    @property
    def error(self) -> str | None:
        """The stable error code when invalid (e.g. `'missing_at'`; see `ERROR_CODES`), else None."""
    @property
    def message(self) -> str | None:
        """The human-readable message when invalid, else None. Its wording may improve; branch on
        `error` instead.
        """
    @property
    def address(self) -> str | None:
        """The deliverable address: local part NFC, domain lowercased Unicode; None when invalid."""
    @property
    def address_ascii(self) -> str | None:
        """The address with the domain in A-labels (punycode); None when invalid."""
    @property
    def canonical(self) -> str | None:
        """The canonical key for de-duplication and suppression matching (not an address to send
        to); None when invalid.
        """
    @property
    def suggestion(self) -> str | None:
        """A corrected full address when the domain looks mistyped (also for invalid input), else
        None.
        """
    @property
    def role(self) -> bool:
        """Whether the local part is a role account (`info@`, `noreply@`)."""
    @property
    def disposable(self) -> bool:
        """Whether the domain is a disposable (throwaway) mailbox domain."""
    @property
    def relay(self) -> bool:
        """Whether the domain is a privacy relay or forwarder."""
    @property
    def free(self) -> bool:
        """Whether the domain is a free consumer mailbox provider."""
    @property
    def warnings(self) -> tuple[str, ...]:
        """The codes of what extraction changed (e.g. `'trimmed_whitespace'`), in order."""
    @property
    def rules(self) -> tuple[str, ...]:
        """The codes of the provider rules that shaped the canonical key (e.g. `'strip_dots'`)."""
    def to_dict(self) -> dict[str, Any]:
        """All fields as a plain dict (lists for `warnings` and `rules`), e.g. for JSON."""
    def __eq__(self, value: object, /) -> bool: ...
    def __ne__(self, value: object, /) -> bool: ...
    __hash__: None  # type: ignore[assignment]

@final
class Address:
    """A valid address, normalized for delivery."""

    @property
    def local(self) -> str:
        """The local part (before the `@`), NFC."""
    @property
    def domain(self) -> str:
        """The domain, lowercased Unicode form (U-labels)."""
    @property
    def domain_ascii(self) -> str:
        """The domain as lowercase A-labels (punycode)."""
    @property
    def ascii(self) -> str:
        """The address with the A-label domain (the local part as written)."""
    @property
    def is_domain_literal(self) -> bool:
        """Whether the domain is an IP address literal such as `[192.0.2.1]`."""
    def __eq__(self, value: object, /) -> bool: ...
    def __ne__(self, value: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class Bounce:
    """The classification of one bounce."""

    @property
    def class_(self) -> Literal["hard", "soft", "block", "unknown"]:
        """`"hard"` (suppress the address), `"soft"` (transient), `"block"` (about the sender;
        never suppresses the address) or `"unknown"` (no rule matched).
        """
    @property
    def sub_reason(self) -> str | None:
        """`"user_unknown"`, `"mailbox_full"`, `"policy"`, …; None when no rule matched."""
    @property
    def smtp_reply(self) -> int | None:
        """The SMTP reply used: the one given, else one read from the diagnostic text."""
    @property
    def enhanced_status(self) -> str | None:
        """The enhanced status used: the one given, else one read from the diagnostic text."""
    @property
    def rule_line(self) -> int | None:
        """The 1-based line of the rule that matched in the core's `data/bounce_rules.tsv`."""

def classify_bounce(
    diagnostic: str | None = None, *, smtp_reply: int | None = None, enhanced_status: str | None = None
) -> Bounce:
    """Classify a bounce with the built-in rules."""

@final
class Suggestion:
    """A suggested correction of a mistyped domain."""

    @property
    def address(self) -> str:
        """The full corrected address (the local part unchanged)."""
    @property
    def domain(self) -> str:
        """The corrected domain."""
    @property
    def distance(self) -> int:
        """The edit distance between the typed and the suggested domain."""
    @property
    def confidence(self) -> float:
        """Confidence in (0, 1]."""

@final
class Classification:
    """The role and list flags of a valid address."""

    @property
    def role(self) -> str | None:
        """The role category (e.g. `'noreply'`) when the local part is a role account, else None."""
    @property
    def disposable(self) -> bool:
        """Whether the domain (or a parent) is a disposable mailbox domain."""
    @property
    def relay(self) -> bool:
        """Whether the domain (or a parent) is a privacy relay or forwarder."""
    @property
    def free(self) -> bool:
        """Whether the domain is a free consumer mailbox provider."""

@final
class ProviderRule:
    """How one mail provider treats the local parts of one of its domains."""

    def __new__(
        cls,
        domain: str,
        *,
        strip_dots: bool = False,
        strip_tag: bool = False,
        canonical_domain: str | None = None,
        provider: str | None = None,
    ) -> ProviderRule: ...
    def __getnewargs_ex__(self) -> tuple[tuple[str], dict[str, Any]]: ...
    @property
    def domain(self) -> str:
        """The domain the rule applies to (lowercase A-labels)."""
    @property
    def canonical_domain(self) -> str | None:
        """The domain used in the canonical key when it differs, else None."""
    @property
    def strip_dots(self) -> bool:
        """Whether dots in the local part are ignored by the provider."""
    @property
    def strip_tag(self) -> bool:
        """Whether a `+tag` reaches the same mailbox."""
    @property
    def provider(self) -> str:
        """The provider name (`'custom'` unless given)."""
    @property
    def source(self) -> str:
        """Where the rule is documented (`'user'` for rules made here)."""

_ListName = Literal["disposable", "relay", "free"]


@final
class Checker:
    """A configured address engine; the module-level functions use a default one."""

    def __new__(
        cls,
        *,
        allow_quoted_local: bool = False,
        allow_domain_literal: bool = False,
        allow_single_label: bool = False,
        lenient_lengths: bool = False,
        add_domains: Mapping[_ListName, Iterable[str]] | None = None,
        remove_domains: Mapping[_ListName, Iterable[str]] | None = None,
        allow_domains: Iterable[str] | None = None,
        provider_rules: Iterable[ProviderRule] | None = None,
        remove_provider_rules: Iterable[str] | None = None,
        add_roles: Mapping[str, str] | None = None,
        remove_roles: Iterable[str] | None = None,
    ) -> Checker: ...
    def __getnewargs_ex__(self) -> tuple[tuple[()], dict[str, Any]]: ...
    def check(self, address: str, *, exact: bool = False) -> Result:
        """Check one input: extract the address from a messy cell (trim, display name,
        `mailto:`), validate, normalize, canonicalize, classify and suggest.

        With `exact=True` the input is judged exactly as given (no extraction). An invalid
        address gives a `Result` with `valid=False` and an error code, never an exception.
        """
    @overload
    def check_many(
        self,
        inputs: Iterable[str | float | None] | Any,
        *,
        columns: Literal[False] = False,
        exact: bool = False,
    ) -> list[Result]:
        """Check many inputs on all cores, with the GIL released; one result per input, in order.

        `inputs` is any iterable of `str` (list, tuple, generator, pandas Series, numpy array,
        pyarrow Array / ChunkedArray, polars Series). `None` and NaN cells give an invalid
        result (`error='empty'`); other non-`str` items raise `TypeError`.

        Returns a list of `Result`, or with `columns=True` a dict of equally long column lists
        (the `Result` attribute names; `warnings` and `rules` hold tuples, as on `Result`) that
        `pandas.DataFrame(...)` takes directly; give
        Polars the types, `polars.DataFrame(d, schema=COLUMNS_SCHEMA)`, which a column that is
        all None in a batch does not show. With `exact=True` every input is judged exactly as
        given, as by `check(x, exact=True)`.
        """
    @overload
    def check_many(
        self, inputs: Iterable[str | float | None] | Any, *, columns: Literal[True], exact: bool = False
    ) -> dict[str, list[Any]]:
        """Check many inputs on all cores, with the GIL released; one result per input, in order.

        `inputs` is any iterable of `str` (list, tuple, generator, pandas Series, numpy array,
        pyarrow Array / ChunkedArray, polars Series). `None` and NaN cells give an invalid
        result (`error='empty'`); other non-`str` items raise `TypeError`.

        Returns a list of `Result`, or with `columns=True` a dict of equally long column lists
        (the `Result` attribute names; `warnings` and `rules` hold tuples, as on `Result`) that
        `pandas.DataFrame(...)` takes directly; give
        Polars the types, `polars.DataFrame(d, schema=COLUMNS_SCHEMA)`, which a column that is
        all None in a batch does not show. With `exact=True` every input is judged exactly as
        given, as by `check(x, exact=True)`.
        """
    def parse(self, address: str) -> Address:
        """Parse `address` exactly as given (no extraction); raises `InvalidAddressError`."""
    def normalize(self, address: str) -> Address:
        """Extract then parse: the deliverable `Address`; raises `InvalidAddressError`."""
    def canonical(self, address: str) -> str:
        """The canonical key for de-duplication and suppression matching; raises
        `InvalidAddressError`.
        """
    def suggest(self, address: str) -> Suggestion | None:
        """A `Suggestion` when the domain looks mistyped, else None. Works on invalid input too."""
    def classify(self, address: str) -> Classification:
        """The role category and list flags of a valid address; raises `InvalidAddressError`."""
    def is_role(self, address: str) -> bool:
        """Whether a valid address is a role account; raises `InvalidAddressError`."""
    def is_disposable(self, address: str) -> bool:
        """Whether a valid address has a disposable domain; raises `InvalidAddressError`."""
    def is_relay(self, address: str) -> bool:
        """Whether a valid address is at a privacy relay; raises `InvalidAddressError`."""
    def is_free(self, address: str) -> bool:
        """Whether a valid address is at a free consumer provider; raises `InvalidAddressError`."""

def check(address: str, *, exact: bool = False) -> Result:
    """Check one input with the default checker."""

@overload
def check_many(
    inputs: Iterable[str | float | None] | Any,
    *,
    columns: Literal[False] = False,
    exact: bool = False,
) -> list[Result]:
    """Check many inputs with the default checker on all cores, with the GIL released; one result
    per input, in order.

    `inputs` is any iterable of `str` (list, tuple, generator, pandas Series, numpy array,
    pyarrow Array / ChunkedArray, polars Series). `None` and NaN cells give an invalid result
    (`error='empty'`); other non-`str` items raise `TypeError`.

    Returns a list of `Result`, or with `columns=True` a dict of equally long column lists (the
    `Result` attribute names; `warnings` and `rules` hold tuples, as on `Result`) that
    `pandas.DataFrame(...)` takes directly; give Polars the types,
    `polars.DataFrame(d, schema=mailhygiene.COLUMNS_SCHEMA)`, which a column that is all None in
    a batch does not show. With `exact=True` every input is judged exactly as given
    (no extraction), as by `check(x, exact=True)`.

    >>> [r.valid for r in mailhygiene.check_many(["a@example.com", "nope", None])]
    [True, False, False]
    >>> mailhygiene.check_many(["a@example.com", None], columns=True)["error"]
    [None, 'empty']
    >>> [r.error for r in mailhygiene.check_many([" a@example.com"], exact=True)]
    ['whitespace']
    """
@overload
def check_many(
    inputs: Iterable[str | float | None] | Any, *, columns: Literal[True], exact: bool = False
) -> dict[str, list[Any]]:
    """Check many inputs with the default checker on all cores, with the GIL released; one result
    per input, in order.

    `inputs` is any iterable of `str` (list, tuple, generator, pandas Series, numpy array,
    pyarrow Array / ChunkedArray, polars Series). `None` and NaN cells give an invalid result
    (`error='empty'`); other non-`str` items raise `TypeError`.

    Returns a list of `Result`, or with `columns=True` a dict of equally long column lists (the
    `Result` attribute names; `warnings` and `rules` hold tuples, as on `Result`) that
    `pandas.DataFrame(...)` takes directly; give Polars the types,
    `polars.DataFrame(d, schema=mailhygiene.COLUMNS_SCHEMA)`, which a column that is all None in
    a batch does not show. With `exact=True` every input is judged exactly as given
    (no extraction), as by `check(x, exact=True)`.

    >>> [r.valid for r in mailhygiene.check_many(["a@example.com", "nope", None])]
    [True, False, False]
    >>> mailhygiene.check_many(["a@example.com", None], columns=True)["error"]
    [None, 'empty']
    >>> [r.error for r in mailhygiene.check_many([" a@example.com"], exact=True)]
    ['whitespace']
    """
def parse(address: str) -> Address:
    """Parse exactly as given; raises ``InvalidAddressError``."""

def normalize(address: str) -> Address:
    """Extract then parse; raises ``InvalidAddressError``."""

def canonical(address: str) -> str:
    """The canonical key; raises ``InvalidAddressError``."""

def suggest(address: str) -> Suggestion | None:
    """A correction when the domain looks mistyped, else None."""

def classify(address: str) -> Classification:
    """Role and list flags; raises ``InvalidAddressError``."""

def is_role(address: str) -> bool:
    """Whether a valid address is a role account (`info@`, `noreply@`).

    Raises `InvalidAddressError` when the address is invalid.

    >>> mailhygiene.is_role("info@example.com"), mailhygiene.is_role("jane@example.com")
    (True, False)
    """
def is_disposable(address: str) -> bool:
    """Whether a valid address has a disposable (throwaway) domain, itself or a parent.

    Raises `InvalidAddressError` when the address is invalid.

    >>> mailhygiene.is_disposable("x@mailinator.com")
    True
    """
def is_relay(address: str) -> bool:
    """Whether a valid address is at a privacy relay or forwarder (a real person behind an alias).

    Raises `InvalidAddressError` when the address is invalid.
    """
def is_free(address: str) -> bool:
    """Whether a valid address is at a free consumer mailbox provider (`gmail.com`).

    Raises `InvalidAddressError` when the address is invalid.

    >>> mailhygiene.is_free("jane@gmail.com")
    True
    """

# --- Suppression --------------------------------------------------------------------------

_Time = datetime | int | float
_MailKind = Literal["marketing", "transactional", "critical"]

class SuppressionError(ValueError):
    """A suppression file or policy that cannot be used at all."""

    code: str
    message: str

@final
class SuppressionRecord:
    """One fact about one address from one source."""

    def __new__(
        cls,
        address: str,
        reason: str,
        *,
        system: str,
        scope: str = "all",
        stream: str = "",
        canonical: str | None = None,
        event_time: _Time | None = None,
        sub_reason: str | None = None,
        source_account: str | None = None,
        source_reason: str | None = None,
        smtp_reply: int | None = None,
        enhanced_status: str | None = None,
        diagnostic: str | None = None,
    ) -> SuppressionRecord: ...
    @property
    def canonical(self) -> str:
        """The canonical key (empty until the list computes it)."""
    @property
    def address(self) -> str:
        """The address as the source wrote it."""
    @property
    def reason(self) -> str:
        """What happened: a reason code."""
    @property
    def sub_reason(self) -> str | None:
        """Finer detail (`user_unknown`, `mailbox_full`, a source's category), or None."""
    @property
    def scope(self) -> str:
        """Which mail it covers."""
    @property
    def event_time(self) -> datetime | None:
        """When it happened (aware UTC datetime), or None when the source has no date."""
    @property
    def source_system(self) -> str:
        """The mail system (`ses`, `sendgrid`, … or `generic`)."""
    @property
    def source_stream(self) -> str:
        """The company's stream the record belongs to."""
    @property
    def source_account(self) -> str | None:
        """The account inside the system, or None."""
    @property
    def source_reason(self) -> str | None:
        """The source's own reason text, or None."""
    @property
    def smtp_reply(self) -> int | None:
        """The SMTP reply code, or None."""
    @property
    def enhanced_status(self) -> str | None:
        """The RFC 3463 enhanced status code, or None."""
    @property
    def diagnostic(self) -> str | None:
        """The receiving server's diagnostic text, or None."""
    @property
    def file(self) -> str:
        """The file the record was read from (empty when added through the API)."""
    @property
    def line(self) -> int:
        """The 1-based line it was read from (0 when added through the API)."""
    def __eq__(self, value: object, /) -> bool: ...
    def __ne__(self, value: object, /) -> bool: ...
    __hash__: None  # type: ignore[assignment]

@final
class Restriction:
    """One active restriction of an address."""

    @property
    def reason(self) -> str:
        """The reason code."""
    @property
    def scope(self) -> str:
        """The mail it covers, after the policy's scope rules."""
    @property
    def spares_critical(self) -> bool:
        """Whether critical transactional mail is still allowed (complaints, by default)."""
    @property
    def since(self) -> datetime | None:
        """The latest event time of its records; None when any is undated."""
    @property
    def expires(self) -> datetime | None:
        """When it lapses by time, or None."""
    @property
    def sources(self) -> tuple[str, ...]:
        """The sources that reported it (`system:stream`), sorted."""
    def blocks(self, kind: _MailKind = "marketing", scope: str | None = None) -> bool:
        """Whether a message of `kind` (`"marketing"`, `"transactional"`, `"critical"`) is
        blocked; with `scope`, a message sent to that list, group, topic or stream.
        """

@final
class Status:
    """The status of one address at one time."""

    @property
    def input(self) -> str:
        """The input as given."""
    @property
    def canonical(self) -> str | None:
        """Its canonical key; None when the input is not a valid address and not a key in the list."""
    @property
    def suppressed(self) -> bool:
        """Whether any restriction is active (for some mail; see `blocks`)."""
    @property
    def reason(self) -> str | None:
        """The deciding (most restrictive) restriction's reason code, or None."""
    @property
    def scope(self) -> str | None:
        """Its scope, or None."""
    @property
    def since(self) -> datetime | None:
        """Its time, or None."""
    @property
    def expires(self) -> datetime | None:
        """Its expiry, or None."""
    @property
    def sources(self) -> tuple[str, ...]:
        """Its sources (`system:stream`)."""
    @property
    def restrictions(self) -> tuple[Restriction, ...]:
        """Every active restriction, most restrictive first."""
    @property
    def why(self) -> str:
        """A one-line human explanation."""
    def blocks(self, kind: _MailKind = "marketing", scope: str | None = None) -> bool:
        """Whether a message of `kind` (`"marketing"`, `"transactional"`, `"critical"`) must not
        be sent; with `scope` (e.g. `"group:7"`), a message sent to that list or stream.
        """

@final
class MasterRow:
    """One row of the master list."""

    @property
    def canonical(self) -> str:
        """The canonical key."""
    @property
    def address(self) -> str:
        """The smallest spelling of the address seen."""
    @property
    def reason(self) -> str:
        """The restriction's reason code."""
    @property
    def scope(self) -> str:
        """The effective scope."""
    @property
    def spares_critical(self) -> bool:
        """Whether critical transactional mail is spared."""
    @property
    def since(self) -> datetime | None:
        """The latest event time, or None when undated."""
    @property
    def expires(self) -> datetime | None:
        """The expiry, or None (never by time)."""
    @property
    def sources(self) -> tuple[str, ...]:
        """The `system:stream` labels."""

@final
class Reject:
    """A source row that could not be turned into a record."""

    @property
    def file(self) -> str:
        """The file."""
    @property
    def line(self) -> int:
        """The 1-based line."""
    @property
    def code(self) -> str:
        """A stable snake_case code (`invalid_address`, `bad_date`, an address error code, …)."""
    @property
    def message(self) -> str:
        """A human explanation."""
    @property
    def raw(self) -> str:
        """The raw row text."""

@final
class ImportSummary:
    """What ``SuppressionList.load()`` read."""

    @property
    def files(self) -> list[dict[str, Any]]:
        """One dict per file: `file`, `stream`, `format`, `rows_read`, `rows_used`,
        `rows_rejected` and `records` (a count per reason code).
        """
    @property
    def rejects(self) -> list[Reject]:
        """Every rejected row, sorted by file and line."""

@final
class SuppressionList:
    """Every suppression record from every source, merged by explicit rules."""

    def __new__(
        cls,
        *,
        policy: str | None = None,
        checker: Checker | None = None,
        now: _Time | None = None,
        hash_key: bytes | str | None = None,
    ) -> SuppressionList: ...
    def load(
        self,
        path: str | os.PathLike[str],
        system: str | None = None,
        *,
        stream: str = "",
        list_id: str | None = None,
        account: str | None = None,
        email_column: str | None = None,
        reason_column: str | None = None,
        date_column: str | None = None,
        date_format: str | None = None,
        date_zone: str | None = None,
        default_reason: str | None = None,
        scope: str | None = None,
        encoding: str | None = None,
    ) -> ImportSummary:
        """Load a file, or a folder of files, for `stream`: raw exports of a mail system (`system`
        such as `"ses"`, `"sendgrid"`, `"mailchimp"`, or detected per file when None), a master
        list written by `write_csv`, a hashed list written by `write_hashed`, an engagement
        file, or a bare address list, one per line and no header (read as "manual" blocks on
        all mail). Runs with the GIL released.

        What an export does not say itself (keyword-only):
            list_id, account: the list (Mailchimp audience, SendGrid group) or account (Postmark
                stream, SES region) the files belong to, which scopes their unsubscribes;
            email_column, reason_column, date_column: a CRM's own CSV (system "generic"; giving
                email_column implies it), by header;
            date_format: a strftime layout of the date column (e.g. "%d/%m/%Y %H:%M");
            date_zone: the zone of dates written without one ("UTC", "-05:00", "Europe/Paris");
            default_reason: the reason of rows without one (e.g. "manual");
            scope: the scope of every record of a generic export;
            encoding: the encoding of files that are not UTF-8 ("windows-1252", as Excel on
                Windows saves CSV; "iso-8859-15" …). Files that are UTF-8 or start with a byte
                order mark are read as such whatever it says; without it, a file that is not
                UTF-8 raises `SuppressionError` (code "not_utf8") naming its line and likely
                encoding. An unknown label raises code "unknown_encoding".

        Bad rows do not stop the load: they are in the returned summary's `rejects`. A file
        that cannot be used at all raises `SuppressionError` (or `OSError` when unreadable).
        """
    def add(self, record: SuppressionRecord) -> None:
        """Add one `SuppressionRecord`. Its address must be valid (else `InvalidAddressError`) and
        is stored normalized (`Bob <Bob@Example.com>` → `Bob@example.com`); a record with its
        canonical key given (a hashed key) is added as it is.
        """
    def extend(self, records: Iterable[SuppressionRecord]) -> None:
        """Add many `SuppressionRecord`s (each as `add` does; the first invalid one raises, after
        the records before it were added).
        """
    def merge(self, other: SuppressionList) -> None:
        """Merge every record of `other` into this list (set union). This list's policy, present
        and stream declarations win.
        """
    def set_stream(self, name: str, *, transactional: bool = False, system: str | None = None) -> None:
        """Declare a stream: transactional or marketing (the default), and the mail system its
        export comes from (decides the format of what it is missing).
        """
    def streams(self) -> dict[str, dict[str, Any]]:
        """Every stream declared or named by a record: `{name: {"transactional": bool,
        "system": str | None}}`.
        """
    @property
    def now(self) -> datetime:
        """"The present" the list answers for (an aware UTC datetime): the current time unless set."""
    @now.setter
    def now(self, now: _Time) -> None:
        """"The present" the list answers for (an aware UTC datetime): the current time unless set."""
    def status(self, address: str, at: _Time | None = None) -> Status:
        """The status of an address (or canonical key, or `sha256:<hex>` key) at `at` (datetime
        or Unix seconds; None: the list's present), with the deciding reason and every
        restriction. An invalid address is looked up by its text; it is never an error.
        """
    def missing_for(self, stream: str) -> list[MasterRow]:
        """The master rows that `stream` is missing: their scope covers the stream and its own
        export held no record with the same reason and a covering scope.
        """
    def rows(self) -> list[MasterRow]:
        """The master list at the present: one row per key and active (reason, scope), sorted."""
    def write_csv(self, path: str | os.PathLike[str]) -> dict[str, int]:
        """Write the master list CSV to `path` (readable back with `load`). Returns the number
        of rows per reason code.
        """
    def write_hashed(
        self, path: str | os.PathLike[str], *, hmac_key: bytes | str | None = None
    ) -> tuple[int, int]:
        """Write the hashed list to `path`: SHA-256 of each canonical key, or HMAC-SHA-256 with
        `hmac_key`. Returns `(rows written, rows skipped)`.
        """
    def records(self) -> list[SuppressionRecord]:
        """Every distinct record, sorted by key then time."""
    @property
    def key_count(self) -> int:
        """The number of distinct canonical keys (plain or hashed)."""
    def __len__(self) -> int: ...
    def __iter__(self) -> Iterator[SuppressionRecord]: ...
