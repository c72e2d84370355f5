"""MkDocs hooks: pages made from text that lives elsewhere, so nothing is written twice.

- `<!-- README: ## Heading -->` in a page stands for that section of README.md, subsections
  included, its headings shifted so that the section's own is the page's title;
  `<!-- README: ### Heading as ## -->` shifts it to the level given, and
  `<!-- README intro: # Heading -->` stands for the text under the heading up to its first
  subheading, without the heading. A link in it to a README heading (`#search-q`) is pointed
  at the page that shows that heading.
- `<!-- FILE: CHANGELOG.md -->` stands for that file of the repository, whole.
- `reference/spec.md` is written from the spec's JSON Schema (persistgen.spec.reference), the
  same models `persistgen schema` prints, so the reference and the schema never disagree.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page

from persistgen.spec.reference import markdown as spec_reference

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
SPEC_REFERENCE = "reference/spec.md"

_DIRECTIVE = re.compile(
    r"^<!-- README(?P<intro> intro)?: (?P<level>#+) (?P<title>.+?)(?: as (?P<to>#+))? -->$",
    re.M,
)
_FILE = re.compile(r"^<!-- FILE: (?P<path>\S+) -->$", re.M)
_FENCE = re.compile(r"^\s*(```|~~~)")
_HEADING = re.compile(r"^(#{1,6}) (.+)$")
_README_LINK = re.compile(r"\]\(#([^)\s]+)\)")

# Which page shows each README heading's anchor: filled from the nav, read by the pages.
_anchors: dict[str, str] = {}


@dataclass(frozen=True)
class _Include:
    """One README directive of a page: the section it names and how it is shown."""

    text: str  # the directive as written
    level: int
    title: str
    intro: bool
    to: int

    @classmethod
    def parse(cls, match: re.Match[str]) -> _Include:
        level = len(match["level"])
        to = len(match["to"]) if match["to"] else 1
        return cls(match[0], level, match["title"], bool(match["intro"]), to)


def on_files(files: Files, config: MkDocsConfig) -> Files:
    files.append(File.generated(config, SPEC_REFERENCE, content=spec_reference()))
    return files


def on_nav(nav: Navigation, config: MkDocsConfig, files: Files) -> Navigation:
    """Each README heading's anchor, to the first page in the nav that shows it."""
    _anchors.clear()
    slug = _slugify(config)
    for page in nav.pages:
        for include in _includes(page.file.content_string):
            lines = _section(include)
            for heading in _headings(lines if not include.intro else []):
                _anchors.setdefault(slug(_plain(heading), "-"), page.file.src_uri)
    return nav


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    def readme(match: re.Match[str]) -> str:
        include = _Include.parse(match)
        return _links(_shown(include), page.file.src_uri)

    def whole_file(match: re.Match[str]) -> str:
        return (ROOT / match["path"]).read_text(encoding="utf-8")

    return _FILE.sub(whole_file, _DIRECTIVE.sub(readme, markdown))


def _includes(markdown: str) -> Iterator[_Include]:
    for match in _DIRECTIVE.finditer(markdown):
        yield _Include.parse(match)


def _section(include: _Include) -> list[str]:
    """The README's lines from the heading to the next heading of its level or above (to its
    first subheading for an intro)."""
    lines = README.read_text(encoding="utf-8").splitlines()
    start = None
    for number, level, title in _outline(lines):
        if start is None:
            if level == include.level and title == include.title:
                start = number
        elif level <= include.level or include.intro:
            return lines[start:number]
    if start is None:
        raise PluginError(f"README.md has no heading {'#' * include.level} {include.title}")
    return lines[start:]


def _shown(include: _Include) -> str:
    """The section as the page shows it: headings shifted, or the intro without its heading."""
    lines = _section(include)
    if include.intro:
        return "\n".join(lines[1:]).strip() + "\n"
    shift = include.to - include.level
    fenced = False
    shown = []
    for line in lines:
        fenced ^= bool(_FENCE.match(line))
        heading = None if fenced else _HEADING.match(line)
        if heading:
            line = "#" * (len(heading[1]) + shift) + " " + heading[2]
        shown.append(line)
    return "\n".join(shown).strip() + "\n"


def _outline(lines: list[str]) -> Iterator[tuple[int, int, str]]:
    """(line number, level, title) of each heading outside code blocks."""
    fenced = False
    for number, line in enumerate(lines):
        if _FENCE.match(line):
            fenced = not fenced
            continue
        heading = None if fenced else _HEADING.match(line)
        if heading:
            yield number, len(heading[1]), heading[2]


def _headings(lines: list[str]) -> list[str]:
    return [title for _, _, title in _outline(lines)]


def _plain(title: str) -> str:
    """A heading's text as the table of contents sees it: code marks and link targets gone."""
    return re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", title).replace("`", "")


def _links(text: str, page: str) -> str:
    """README anchors pointed at the page that shows them."""

    def target(match: re.Match[str]) -> str:
        anchor = match[1]
        if anchor not in _anchors:
            raise PluginError(f"{page}: README link #{anchor} names a heading no page shows")
        where = _anchors[anchor]
        if where == page:
            return match[0]
        relative = posixpath.relpath(where, posixpath.dirname(page) or ".")
        return f"]({relative}#{anchor})"

    return _README_LINK.sub(target, text)


def _slugify(config: MkDocsConfig) -> Callable[[str, str], str]:
    slugify: Callable[[str, str], str] = config.mdx_configs["toc"]["slugify"]
    return slugify
