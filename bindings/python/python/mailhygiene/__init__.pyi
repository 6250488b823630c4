"""Type stubs for mailhygiene (checked against the runtime by ``python -m mypy.stubtest``)."""

import os
from datetime import datetime
from typing import Any, Iterable, Iterator, Literal, Mapping, final, overload

__all__ = [
    "ERROR_CODES",
    "SUPPRESSION_REASONS",
    "SYSTEMS",
    "Address",
    "Bounce",
    "Checker",
    "Classification",
    "ImportSummary",
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
SUPPRESSION_REASONS: tuple[str, ...]
SYSTEMS: tuple[str, ...]

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
    def input(self) -> str: ...
    @property
    def valid(self) -> bool: ...
    @property
    def error(self) -> str | None: ...
    @property
    def message(self) -> str | None: ...
    @property
    def address(self) -> str | None: ...
    @property
    def address_ascii(self) -> str | None: ...
    @property
    def canonical(self) -> str | None: ...
    @property
    def suggestion(self) -> str | None: ...
    @property
    def role(self) -> bool: ...
    @property
    def disposable(self) -> bool: ...
    @property
    def relay(self) -> bool: ...
    @property
    def free(self) -> bool: ...
    @property
    def warnings(self) -> tuple[str, ...]: ...
    @property
    def rules(self) -> tuple[str, ...]: ...
    def to_dict(self) -> dict[str, Any]: ...
    def __eq__(self, value: object, /) -> bool: ...
    def __ne__(self, value: object, /) -> bool: ...
    __hash__: None  # type: ignore[assignment]

@final
class Address:
    """A valid address, normalized for delivery."""

    @property
    def local(self) -> str: ...
    @property
    def domain(self) -> str: ...
    @property
    def domain_ascii(self) -> str: ...
    @property
    def ascii(self) -> str: ...
    @property
    def is_domain_literal(self) -> bool: ...
    def __eq__(self, value: object, /) -> bool: ...
    def __ne__(self, value: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class Bounce:
    """The classification of one bounce."""

    @property
    def class_(self) -> Literal["hard", "soft", "block", "unknown"]: ...
    @property
    def sub_reason(self) -> str | None: ...
    @property
    def smtp_reply(self) -> int | None: ...
    @property
    def enhanced_status(self) -> str | None: ...
    @property
    def rule_line(self) -> int | None: ...

def classify_bounce(
    diagnostic: str | None = None, *, smtp_reply: int | None = None, enhanced_status: str | None = None
) -> Bounce:
    """Classify a bounce with the built-in rules."""

@final
class Suggestion:
    """A suggested correction of a mistyped domain."""

    @property
    def address(self) -> str: ...
    @property
    def domain(self) -> str: ...
    @property
    def distance(self) -> int: ...
    @property
    def confidence(self) -> float: ...

@final
class Classification:
    """The role and list flags of a valid address."""

    @property
    def role(self) -> str | None: ...
    @property
    def disposable(self) -> bool: ...
    @property
    def relay(self) -> bool: ...
    @property
    def free(self) -> bool: ...

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
    @property
    def domain(self) -> str: ...
    @property
    def canonical_domain(self) -> str | None: ...
    @property
    def strip_dots(self) -> bool: ...
    @property
    def strip_tag(self) -> bool: ...
    @property
    def provider(self) -> str: ...
    @property
    def source(self) -> str: ...

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
    def check(self, address: str, *, exact: bool = False) -> Result: ...
    @overload
    def check_many(
        self,
        inputs: Iterable[str | float | None] | Any,
        *,
        columns: Literal[False] = False,
        exact: bool = False,
    ) -> list[Result]: ...
    @overload
    def check_many(
        self, inputs: Iterable[str | float | None] | Any, *, columns: Literal[True], exact: bool = False
    ) -> dict[str, list[Any]]: ...
    def parse(self, address: str) -> Address: ...
    def normalize(self, address: str) -> Address: ...
    def canonical(self, address: str) -> str: ...
    def suggest(self, address: str) -> Suggestion | None: ...
    def classify(self, address: str) -> Classification: ...
    def is_role(self, address: str) -> bool: ...
    def is_disposable(self, address: str) -> bool: ...
    def is_relay(self, address: str) -> bool: ...
    def is_free(self, address: str) -> bool: ...

def check(address: str, *, exact: bool = False) -> Result:
    """Check one input with the default checker."""

@overload
def check_many(
    inputs: Iterable[str | float | None] | Any,
    *,
    columns: Literal[False] = False,
    exact: bool = False,
) -> list[Result]: ...
@overload
def check_many(
    inputs: Iterable[str | float | None] | Any, *, columns: Literal[True], exact: bool = False
) -> dict[str, list[Any]]: ...
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

def is_role(address: str) -> bool: ...
def is_disposable(address: str) -> bool: ...
def is_relay(address: str) -> bool: ...
def is_free(address: str) -> bool: ...

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
    def canonical(self) -> str: ...
    @property
    def address(self) -> str: ...
    @property
    def reason(self) -> str: ...
    @property
    def sub_reason(self) -> str | None: ...
    @property
    def scope(self) -> str: ...
    @property
    def event_time(self) -> datetime | None: ...
    @property
    def source_system(self) -> str: ...
    @property
    def source_stream(self) -> str: ...
    @property
    def source_account(self) -> str | None: ...
    @property
    def source_reason(self) -> str | None: ...
    @property
    def smtp_reply(self) -> int | None: ...
    @property
    def enhanced_status(self) -> str | None: ...
    @property
    def diagnostic(self) -> str | None: ...
    @property
    def file(self) -> str: ...
    @property
    def line(self) -> int: ...
    def __eq__(self, value: object, /) -> bool: ...
    def __ne__(self, value: object, /) -> bool: ...
    __hash__: None  # type: ignore[assignment]

@final
class Restriction:
    """One active restriction of an address."""

    @property
    def reason(self) -> str: ...
    @property
    def scope(self) -> str: ...
    @property
    def spares_critical(self) -> bool: ...
    @property
    def since(self) -> datetime | None: ...
    @property
    def expires(self) -> datetime | None: ...
    @property
    def sources(self) -> tuple[str, ...]: ...
    def blocks(self, kind: _MailKind = "marketing", scope: str | None = None) -> bool: ...

@final
class Status:
    """The status of one address at one time."""

    @property
    def input(self) -> str: ...
    @property
    def canonical(self) -> str | None: ...
    @property
    def suppressed(self) -> bool: ...
    @property
    def reason(self) -> str | None: ...
    @property
    def scope(self) -> str | None: ...
    @property
    def since(self) -> datetime | None: ...
    @property
    def expires(self) -> datetime | None: ...
    @property
    def sources(self) -> tuple[str, ...]: ...
    @property
    def restrictions(self) -> tuple[Restriction, ...]: ...
    @property
    def why(self) -> str: ...
    def blocks(self, kind: _MailKind = "marketing", scope: str | None = None) -> bool: ...

@final
class MasterRow:
    """One row of the master list."""

    @property
    def canonical(self) -> str: ...
    @property
    def address(self) -> str: ...
    @property
    def reason(self) -> str: ...
    @property
    def scope(self) -> str: ...
    @property
    def spares_critical(self) -> bool: ...
    @property
    def since(self) -> datetime | None: ...
    @property
    def expires(self) -> datetime | None: ...
    @property
    def sources(self) -> tuple[str, ...]: ...

@final
class Reject:
    """A source row that could not be turned into a record."""

    @property
    def file(self) -> str: ...
    @property
    def line(self) -> int: ...
    @property
    def code(self) -> str: ...
    @property
    def message(self) -> str: ...
    @property
    def raw(self) -> str: ...

@final
class ImportSummary:
    """What ``SuppressionList.load()`` read."""

    @property
    def files(self) -> list[dict[str, Any]]: ...
    @property
    def rejects(self) -> list[Reject]: ...

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
    ) -> ImportSummary: ...
    def add(self, record: SuppressionRecord) -> None: ...
    def extend(self, records: Iterable[SuppressionRecord]) -> None: ...
    def merge(self, other: SuppressionList) -> None: ...
    def set_stream(self, name: str, *, transactional: bool = False, system: str | None = None) -> None: ...
    def streams(self) -> dict[str, dict[str, Any]]: ...
    @property
    def now(self) -> datetime: ...
    @now.setter
    def now(self, now: _Time) -> None: ...
    def status(self, address: str, at: _Time | None = None) -> Status: ...
    def missing_for(self, stream: str) -> list[MasterRow]: ...
    def rows(self) -> list[MasterRow]: ...
    def write_csv(self, path: str | os.PathLike[str]) -> dict[str, int]: ...
    def write_hashed(
        self, path: str | os.PathLike[str], *, hmac_key: bytes | str | None = None
    ) -> tuple[int, int]: ...
    def records(self) -> list[SuppressionRecord]: ...
    @property
    def key_count(self) -> int: ...
    def __len__(self) -> int: ...
    def __iter__(self) -> Iterator[SuppressionRecord]: ...
