"""Python names for a database's tables and columns: PascalCase singular resources, snake_case
fields, the names of references and many-to-many links."""

from __future__ import annotations

import functools
import re

from persistgen import naming

_WORDS = re.compile(r"[A-Za-z][a-z0-9]*|[0-9]+")


def field_name(column: str) -> str:
    """`createdAt` -> `created_at`, `metadata` -> `metadata_`, `1st` -> `field_1st`,
    `model_type` -> `field_model_type`."""
    cleaned = re.sub(r"[^0-9A-Za-z]+", "_", naming._ascii(column))
    cleaned = re.sub(r"_+", "_", naming.snake(cleaned)).strip("_").lower()
    if not cleaned:
        cleaned = "field"
    if not cleaned[0].isalpha():
        cleaned = f"field_{cleaned}"
    # `metadata` -> `metadata_`; Rails' polymorphic `model_type` (Pydantic reserves `model_*`)
    # -> `field_model_type`
    for candidate in (cleaned, f"{cleaned}_", f"field_{cleaned}"):
        if naming.attribute_problem(candidate) is None:
            return candidate
    return f"field_{cleaned}_"


def resource_name(table: str) -> str:
    """`blog_posts` -> `BlogPost`, `people` -> `Person`, `"OrderItems"` -> `OrderItem`."""
    words = [w.lower() for w in _WORDS.findall(naming.snake(naming._ascii(table)))] or ["item"]
    words[-1] = singular(words[-1])
    name = "".join(w.capitalize() for w in words)
    if name[0].isdigit():
        name = f"Resource{name}"
    return name if naming.resource_problem(name) is None else f"{name}Item"


@functools.cache
def singular(word: str) -> str:
    """The singular of a plural English word; a singular one as it is."""
    if not word.isalpha() or len(word) < 3:
        return word
    found = naming._engine().singular_noun(word)  # False: already singular
    return found if isinstance(found, str) and found else word


def reference_name(column: str, target_key: str) -> str:
    """The field of a reference held in `column` to a key column `target_key`:
    `author_id` -> `author`, `book_isbn` (to `isbn`) -> `book`, `SupportRepId` -> `support_rep`."""
    snake = field_name(column).rstrip("_")
    for suffix in ("_id", f"_{field_name(target_key).rstrip('_')}"):
        if snake.endswith(suffix) and len(snake) > len(suffix):
            return field_name(snake.removesuffix(suffix))
    return field_name(snake)


_SECRET_NAMES = {
    "password",
    "passwd",
    "password_hash",
    "password_digest",
    "hashed_password",
    "encrypted_password",
    "password_salt",
    "secret",
    "token",
    "api_key",
    "apikey",
    "private_key",
    "otp_secret",
}
_SECRET_ENDINGS = ("_secret", "_token", "_password", "_password_hash", "_api_key", "_private_key")


def is_secret(field: str) -> bool:
    """Whether a column named so holds a secret: a password (hash), a token, a key."""
    return field in _SECRET_NAMES or field.endswith(_SECRET_ENDINGS)
