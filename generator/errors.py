"""The one exception type for problems the user can fix; the CLI renders it, nothing else prints."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the user's input, located as precisely as we can."""

    message: str
    hint: str = ""
    file: str = ""
    line: int | None = None  # 1-based
    column: int | None = None  # 1-based
    spec_path: str = ""

    def __post_init__(self) -> None:
        # One line each, whatever user text (a multi-line YAML string, say) was quoted in them.
        for name in ("message", "hint", "spec_path"):
            text: str = getattr(self, name)
            if "\n" in text or "\r" in text:
                object.__setattr__(self, name, text.replace("\r", "\\r").replace("\n", "\\n"))

    @property
    def location(self) -> str:
        parts = [self.file or "<input>"]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)


@dataclass
class UserError(Exception):
    """Raised for bad input; carries every problem found so the user fixes them in one pass."""

    problems: list[Problem] = field(default_factory=list)

    def __str__(self) -> str:
        return "\n".join(
            f"{p.location}: {p.spec_path + ': ' if p.spec_path else ''}{p.message}"
            for p in self.problems
        )


def fail(
    message: str,
    hint: str = "",
    *,
    file: str = "",
    line: int | None = None,
    column: int | None = None,
    spec_path: str = "",
) -> UserError:
    """Build a single-problem error: `raise fail("...", hint="...", file=...)`."""
    return UserError([Problem(message, hint, file, line, column, spec_path)])
