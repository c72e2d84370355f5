"""Values at the edges real schemas reach and the first strategies did not: text of any length
and script, names near and past PostgreSQL's 63-byte identifier limit, numbers at the bounds
of their column, and spec files with a byte order mark or Windows line ends.

Each strategy mixes the edge with ordinary values, so that documents stay mostly valid: an
accepted document must generate a project that passes every gate, a rejected one must fail
cleanly, and both are worth drawing.
"""

from __future__ import annotations

from decimal import Decimal

from hypothesis import strategies as st

# -- text ---------------------------------------------------------------------------------------

WORDS = [
    "the", "order", "is", "shipped", "once", "payment", "clears", "and", "every", "line", "of",
    "it", "holds", "a", "product", "customer's", "\"net\"", "price", "(before", "tax)", "naïve",
    "café", "Straße", "注文", "顧客の", "住所", "🙂", "📦", "—", "10%", "C:\\temp\\x", "a/b",
    "x=1;", "#", "{{ x }}", "%s", "`code`",
]  # fmt: skip
# Text a docstring, comment or string literal must carry as inert data: quotes of each kind,
# backslashes (also at the very end), line breaks of every kind, a NUL (PostgreSQL refuses it
# in text and comments), template syntax and leading blanks.
AWKWARD = [
    'She said "it\'s done" and left',
    '"""',
    "'''",
    'ends in a quote"',
    "ends in a backslash \\",
    "\\n is not a line break, \\x00 is not a NUL",
    "line\nbreak",
    "crlf\r\ninside",
    "a \u2028 line separator and a \x85 next line",
    "tab\tinside",
    "    four leading spaces",
    "# not a comment",
    "nul \x00 inside",
    "-- not SQL; DROP TABLE x; --",
    "*/ /* comment ends",
]
sentences = st.lists(st.sampled_from(WORDS), min_size=12, max_size=90).map(" ".join)
cjk = st.text(st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF), min_size=20, max_size=160)
emoji = st.text(
    st.characters(min_codepoint=0x1F300, max_codepoint=0x1FAFF), min_size=1, max_size=60
)
# One word longer than any line: nothing can wrap it at a space.
long_word = st.from_regex(r"https://example\.com/[a-z0-9/_-]{90,200}", fullmatch=True)
any_text = st.text(st.characters(blacklist_categories=["Cs"]), max_size=40)


def descriptions() -> st.SearchStrategy[str]:
    """A description as people write them, from one word to paragraphs in several scripts."""
    part = st.one_of(
        sentences, sentences, cjk, emoji, long_word, st.sampled_from(AWKWARD), any_text
    )
    return st.lists(part, min_size=1, max_size=4).map(" ".join)


# -- names --------------------------------------------------------------------------------------

# Long names share prefixes, so that two of them may agree in their first 63 bytes.
LONG_SNAKE = "customer_lifetime_value_in_the_primary_reporting_currency_after_tax_and_discounts"
LONG_PASCAL = "CustomerLifetimeValueInThePrimaryReportingCurrencyAfterTaxAndDiscounts"


def long_snake_names() -> st.SearchStrategy[str]:
    """A snake_case name of 40 to 70 characters: a reference of 61 makes a 64-byte `_id`."""
    prefix = st.integers(40, 70).map(lambda n: LONG_SNAKE[:n].rstrip("_"))
    tail = st.sampled_from(["", "", "_a", "_b", "2", "_id", "_total"])
    fresh = st.from_regex(r"[a-z][a-z0-9_]{55,70}", fullmatch=True).filter(lambda n: "__" not in n)
    return st.one_of(st.tuples(prefix, tail).map("".join), fresh)


def long_pascal_names() -> st.SearchStrategy[str]:
    """A PascalCase name of 20 to 70 characters; its table, enum types and constraints are
    longer still."""
    prefix = st.integers(20, 70).map(lambda n: LONG_PASCAL[:n])
    return st.tuples(prefix, st.sampled_from(["", "", "A", "B", "Item"])).map("".join)


# -- numbers and strings at their bounds --------------------------------------------------------

INTEGER_BOUNDS = {"int": (-(2**31), 2**31 - 1), "bigint": (-(2**63), 2**63 - 1)}
FLOAT_EDGES = [1.7976931348623157e308, -1.7976931348623157e308, 5e-324, -0.0, 1e-300]
VARCHAR_LIMIT = 10_485_760  # PostgreSQL's largest VARCHAR(n)


def integer_edges(kind: str) -> st.SearchStrategy[int]:
    """The column's smallest and largest value, and one past each (which must be refused)."""
    low, high = INTEGER_BOUNDS[kind]
    return st.sampled_from([low, high, low - 1, high + 1, 0, -1])


def decimal_digits() -> st.SearchStrategy[tuple[int, int]]:
    """Precision across the spec's whole range, 1 to 1000, and a scale from 0 to it."""
    precision = st.one_of(st.integers(1, 40), st.integers(1, 1000), st.sampled_from([1, 1000]))
    return precision.flatmap(
        lambda p: st.tuples(st.just(p), st.sampled_from([0, p]) | st.integers(0, p))
    )


def largest_decimal(precision: int, scale: int) -> str:
    """The largest value NUMERIC(precision, scale) holds: `999.99` for (5, 2)."""
    whole = "9" * (precision - scale) or "0"
    return f"{whole}.{'9' * scale}" if scale else whole


def decimal_edges(precision: int, scale: int) -> st.SearchStrategy[str]:
    """Literals at the edge of NUMERIC(p, s): the largest and smallest value it holds, the
    smallest step, and one that is a digit too wide (which must be refused)."""
    largest = largest_decimal(precision, scale)
    step = str(Decimal(1).scaleb(-scale))
    too_wide = "1" + "0" * (precision - scale)
    return st.sampled_from([largest, f"-{largest}", step, f"-{step}", too_wide, "0"])


def string_lengths() -> st.SearchStrategy[int]:
    """A `max_length`: short, PostgreSQL's largest VARCHAR, or past it (which must be refused)."""
    edges = st.sampled_from([1, 63, 255, VARCHAR_LIMIT, VARCHAR_LIMIT + 1, 20_000_000])
    return st.one_of(st.integers(1, 400), edges)


def filling(length: int) -> st.SearchStrategy[str]:
    """A default of exactly `length` characters, of one, two, three or four bytes each."""
    return st.sampled_from(["x", "é", "注", "🙂"]).map(lambda char: char * length)


# -- the file -----------------------------------------------------------------------------------


def encodings() -> st.SearchStrategy[tuple[bool, bool]]:
    """(byte order mark, CRLF line ends): editors on Windows write either or both. The mark
    less often (shrinking toward neither), so that a problem with it hides little else."""
    return st.tuples(st.sampled_from([False, False, True]), st.booleans())


def as_file(text: str, bom: bool, crlf: bool) -> bytes:
    """The spec file's bytes: UTF-8, with a byte order mark and CRLF line ends if asked."""
    if crlf:
        text = text.replace("\n", "\r\n")
    return ("\ufeff" if bom else "").encode() + text.encode("utf-8")
