"""Email list hygiene: validate, normalize, canonicalize, classify and suggest corrections.

The functions use a default ``Checker()``; build a ``Checker`` for other options. Every rule
lives in the Rust core; this package is a thin binding (``mailhygiene._native``).

>>> import mailhygiene
>>> r = mailhygiene.check('"Jane" <Jane.Doe+promo@googlemail.com>')
>>> r.valid, r.address, r.canonical
(True, 'Jane.Doe+promo@googlemail.com', 'janedoe@gmail.com')
>>> mailhygiene.check("john..doe@example.com").error
'consecutive_dots'
"""

from mailhygiene._native import (
    COLUMNS_SCHEMA,
    ERROR_CODES,
    SUPPRESSION_REASONS,
    SYSTEMS,
    Address,
    Bounce,
    Checker,
    Classification,
    ImportSummary,
    InternalError,
    InvalidAddressError,
    MasterRow,
    ProviderRule,
    Reject,
    Restriction,
    Result,
    Status,
    Suggestion,
    SuppressionError,
    SuppressionList,
    SuppressionRecord,
    __version__,
    canonical,
    check,
    check_many,
    classify,
    classify_bounce,
    is_disposable,
    is_free,
    is_relay,
    is_role,
    normalize,
    parse,
    suggest,
)

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
