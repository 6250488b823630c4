"""Type stubs for mailhygiene (checked against the runtime by ``python -m mypy.stubtest``)."""

from typing import Any, Iterable, Literal, Mapping, final, overload

__all__ = [
    "ERROR_CODES",
    "Address",
    "Bounce",
    "Checker",
    "Classification",
    "InvalidAddressError",
    "ProviderRule",
    "Result",
    "Suggestion",
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
        self, inputs: Iterable[str | float | None] | Any, *, columns: Literal[False] = False
    ) -> list[Result]: ...
    @overload
    def check_many(
        self, inputs: Iterable[str | float | None] | Any, *, columns: Literal[True]
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
    inputs: Iterable[str | float | None] | Any, *, columns: Literal[False] = False
) -> list[Result]: ...
@overload
def check_many(
    inputs: Iterable[str | float | None] | Any, *, columns: Literal[True]
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

