"""Load YAML into plain Python data while remembering where every key and value stood."""

from __future__ import annotations

import codecs
import datetime as dt
import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedOrderedMap, CommentedSeq
from ruamel.yaml.constructor import DuplicateKeyError
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import MappingNode, SequenceNode
from ruamel.yaml.reader import ReaderError
from ruamel.yaml.scalarbool import ScalarBoolean

from persistgen.errors import UserError, fail
from persistgen.spec import libyaml, yaml_mistakes

# Room for the most resources a spec may have (10,000) of about ten fields each, written out
# in full (options, descriptions): about 1,000 bytes and 60 values a resource. The values cap
# also stops alias bombs (`&a [*b, *b, ...]`).
MAX_SPEC_BYTES = 10_000_000
MAX_SPEC_NODES = 1_000_000

SpecPath = tuple[str | int, ...]
Position = tuple[int, int]  # 1-based line and column


@dataclass
class Document:
    """The spec as plain data, plus the source position of each node for error messages."""

    data: Any
    file: str
    positions: dict[SpecPath, Position] = field(default_factory=dict)
    key_positions: dict[SpecPath, Position] = field(default_factory=dict)

    def locate(self, path: SpecPath, *, key: bool = False) -> Position | None:
        """Position of the deepest existing node on `path` (the key itself when `key`).

        A path that leaves the document (an absent option, or an option inside a compact
        field string) is reported at its deepest existing node: a mapping or list at its key,
        a scalar such as a compact field string at its value.
        """
        if key and path in self.key_positions:
            return self.key_positions[path]
        if path in self.positions:
            return self.positions[path]
        for end in range(len(path) - 1, -1, -1):
            prefix = path[:end]
            if isinstance(self.node(prefix), dict | list) and prefix in self.key_positions:
                return self.key_positions[prefix]
            if prefix in self.positions:
                return self.positions[prefix]
        return None

    def node(self, path: SpecPath) -> Any:
        """The data at `path`, or None when it does not exist."""
        node = self.data
        for part in path:
            in_list = isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
            if not in_list and not (isinstance(node, dict) and part in node):
                return None
            node = node[part]
        return node


def describe(value: Any) -> str:
    """A value as the user wrote it in YAML, for messages: `the text "10"`, `the number 3`."""
    if value is None:
        return "an empty value"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f'the text "{shown}"'
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list | tuple):
        return "a list"
    return f"a YAML {type(value).__name__}"


def load_file(path: Path) -> Document:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise fail(
            f"cannot read the spec: {exc.strerror}", "check the path", file=str(path)
        ) from None
    if len(raw) > MAX_SPEC_BYTES:
        raise fail(
            f"the spec is {len(raw):,} bytes; the limit is {MAX_SPEC_BYTES:,}",
            "split generated data out of the spec",
            file=str(path),
        )
    # A byte order mark marks the encoding; it is not part of the first line.
    bom = len(codecs.BOM_UTF8) if raw.startswith(codecs.BOM_UTF8) else 0
    body = raw[bom:]
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        line_start = body.rfind(b"\n", 0, exc.start) + 1
        before = body[line_start : exc.start].decode("utf-8", errors="replace")
        raise fail(
            f"the spec is not UTF-8 (byte {bom + exc.start})",
            "save the file as UTF-8",
            file=str(path),
            line=body.count(b"\n", 0, exc.start) + 1,
            column=len(before) + 1,
        ) from None
    return load_text(text, str(path))


def yaml_parser() -> YAML:
    """Round-trip parser: keeps positions and comments, YAML 1.2 (so `no` stays a string)."""
    yaml = YAML(typ="rt")
    yaml.allow_duplicate_keys = False
    yaml.preserve_quotes = True
    return yaml


def load_text(text: str, file: str = "<input>") -> Document:
    """Parse a spec's text; a leading byte order mark and CRLF line ends are read like any
    other spec (positions count neither the mark nor the `\\r`)."""
    text = text.removeprefix("\ufeff")
    _refuse_git_markers(text, file)
    fast = libyaml.read(text, MAX_SPEC_NODES)
    if fast is not None:
        data, positions, key_positions = fast
        return Document(data, file, positions, key_positions)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # e.g. a reused anchor: legal YAML, noisy warning
            root = yaml_parser().load(text)
    except TypeError:  # ruamel cannot hash a mapping or list used as a key
        raise _complex_key(text, file) from None
    except DuplicateKeyError as exc:
        raise _duplicate_key(exc, text, file) from None
    except MarkedYAMLError as exc:
        raise _syntax_error(exc, text, file) from None
    except ReaderError as exc:
        raise _bad_character(exc, text, file) from None
    except YAMLError as exc:
        raise fail(f"invalid YAML: {exc}", "fix the YAML syntax", file=file) from None
    except RecursionError:
        raise fail(
            "the YAML nests too deeply to read", "flatten the nested brackets", file=file
        ) from None
    if root is None:
        raise fail(
            "the spec is empty",
            "start from `persistgen new project NAME`, or write `version: 1` and `project:`",
            file=file,
            line=1,
            column=1,
        )
    if not isinstance(root, CommentedMap):
        raise fail(
            f"the spec must be a mapping with `version`, `project` and `resources`, "
            f"not {describe(_scalar(root) if not isinstance(root, CommentedSeq) else [])}",
            "see `persistgen schema` for the expected shape",
            file=file,
            line=1,
            column=1,
        )
    doc = Document(data=None, file=file)
    budget = [MAX_SPEC_NODES]
    try:
        doc.data = _plain(root, (), doc, budget)
    except RecursionError:
        raise fail(
            "the YAML nests too deeply to read", "flatten the nested structure", file=file
        ) from None
    doc.positions[()] = (1, 1)
    return doc


def _refuse_git_markers(text: str, file: str) -> None:
    """A spec a git merge left with its conflict markers: say so, not "invalid YAML"."""
    lines = text.splitlines()
    starts = [n for n, line in enumerate(lines, 1) if line.startswith("<<<<<<< ")]
    if starts and any(line.startswith(">>>>>>> ") for line in lines[starts[0] :]):
        raise fail(
            "the spec holds git's conflict markers",
            "resolve it as you mean it (both branches' changes, say) and delete the markers,"
            " then run again",
            file=file,
            line=starts[0],
            column=1,
        )


# The parser's messages for a document whose structure it lost (a key without `:`, a line
# indented to no level): `yaml_mistakes` may find the mistake behind them.
_STRUCTURE = re.compile(
    r"mapping values are not allowed|expected <block end>|could not find expected ':'"
    r"|did not find expected key|expected ':'"
)


def _syntax_error(exc: MarkedYAMLError, text: str, file: str) -> UserError:
    mark = exc.problem_mark or exc.context_mark
    problem = " ".join(str(exc.problem or "").split())
    context = " ".join(str(exc.context or "").split())
    if problem.startswith("but "):  # "expected a single document in the stream, but found ..."
        message = f"{context}, {problem}"
    elif context and exc.context_mark is not None and exc.context_mark is not mark:
        where = f"line {exc.context_mark.line + 1}, column {exc.context_mark.column + 1}"
        message = f"{problem or 'invalid syntax'} ({context} at {where})"
    else:
        message = problem or context or "invalid syntax"
    mistake = (
        yaml_mistakes.diagnose(text, mark.line + 1) if mark and _STRUCTURE.search(message) else None
    )
    if mistake is not None:
        return fail(
            mistake.message, mistake.hint, file=file, line=mistake.line, column=mistake.column
        )
    if "'\\t'" in problem:
        hint = "indent with spaces; YAML does not allow tabs"
    elif "another document" in problem:
        hint = "keep a single document: remove the `---` line and what follows, or merge them"
    else:
        hint = "fix the YAML syntax at this position"
    return fail(
        f"invalid YAML: {message}",
        hint,
        file=file,
        line=mark.line + 1 if mark else None,
        column=mark.column + 1 if mark else None,
    )


def _bad_character(exc: ReaderError, text: str, file: str) -> UserError:
    """A character YAML forbids anywhere (NUL, most control characters): where it stands."""
    position, character = int(exc.position), int(exc.character)  # `text` is str: a code point
    escape = f"\\x{character:02x}" if character < 0x100 else f"\\u{character:04x}"
    return fail(
        f"the character U+{character:04X} is not allowed in YAML",
        f"remove it; inside a double-quoted string, write it as `{escape}`",
        file=file,
        line=text.count("\n", 0, position) + 1,
        column=position - (text.rfind("\n", 0, position) + 1) + 1,
    )


def _complex_key(text: str, file: str) -> UserError:
    """A `? {a: 1}` or `[a, b]:` key: find it in the node tree to point at it."""
    line = column = None
    try:
        stack = [yaml_parser().compose(text)]
    except (YAMLError, RecursionError):
        stack = []
    while stack:
        node = stack.pop()
        if isinstance(node, MappingNode):
            for key, value in node.value:
                if isinstance(key, MappingNode | SequenceNode):
                    line, column = key.start_mark.line + 1, key.start_mark.column + 1
                    stack.clear()
                    break
                stack.append(value)
        elif isinstance(node, SequenceNode):
            stack.extend(node.value)
    return fail(
        "a key is a list or mapping, not a name",
        "use a plain name as the key (and no `?` complex-key syntax)",
        file=file,
        line=line,
        column=column,
    )


def _duplicate_key(exc: DuplicateKeyError, text: str, file: str) -> UserError:
    """A key given twice in one mapping: name it, where it first stood and its spec path."""
    found = re.match(r'found duplicate key "(.*?)" with value', str(exc.problem or ""), re.S)
    key = found.group(1) if found else "?"
    mark = exc.problem_mark
    spec_path = ""
    first = ""
    context = exc.context_mark
    try:
        yaml = yaml_parser()
        yaml.allow_duplicate_keys = True  # keeps the first value; only used to find the path
        root = yaml.load(text)
        doc = Document(data=None, file=file)
        doc.data = _plain(root, (), doc, [MAX_SPEC_NODES])
        doc.positions[()] = (1, 1)
    except (YAMLError, UserError, RecursionError, TypeError):
        doc = None
    if doc is not None and context is not None:
        at = (context.line + 1, context.column + 1)
        for path, position in doc.positions.items():
            if position == at and isinstance(doc.node(path), dict):
                full = (*path, key)
                spec_path = ".".join(str(p) for p in full)
                if full in doc.key_positions:
                    first = f" (first given on line {doc.key_positions[full][0]})"
                break
    return fail(
        f"duplicate key `{key}`{first}",
        "a key can appear once per mapping: remove or merge one of them",
        file=file,
        line=mark.line + 1 if mark else None,
        column=mark.column + 1 if mark else None,
        spec_path=spec_path,
    )


def _plain(node: Any, path: SpecPath, doc: Document, budget: list[int]) -> Any:
    """Convert ruamel's round-trip nodes to builtins, recording positions on the way."""
    budget[0] -= 1
    if budget[0] < 0:
        raise fail(
            f"the spec expands to more than {MAX_SPEC_NODES:,} values",
            "YAML aliases (`*name`) that repeat other aliases multiply; write the values out",
            file=doc.file,
        )
    tag = "!!omap" if isinstance(node, CommentedOrderedMap) else _tag(node)  # ruamel drops it
    if isinstance(node, CommentedMap | CommentedSeq) and tag not in ("", "!!map", "!!seq"):
        # e.g. `!!python/object/apply:...`: never constructed, but not silently dropped either.
        at = doc.positions.get(path, (1, 1))
        raise fail(
            f"the YAML tag `{tag}` is not supported in a spec",
            f"remove `{tag}`",
            file=doc.file,
            line=at[0],
            column=at[1],
            spec_path=".".join(str(p) for p in path),
        )
    if isinstance(node, CommentedMap):
        result: dict[Any, Any] = {}
        for key, value in node.items():
            key_line, key_col, value_line, value_col = _lc(node, key) or _parent(path, doc)
            if not isinstance(key, str):
                message, hint = _bad_key(key)
                raise fail(
                    message,
                    hint,
                    file=doc.file,
                    line=key_line + 1,
                    column=key_col + 1,
                    spec_path=".".join(str(p) for p in path),
                )
            child = (*path, str(key))
            doc.key_positions[child] = (key_line + 1, key_col + 1)
            _refuse_unstorable(key, child, doc.key_positions[child], doc.file)
            if value is None:  # ruamel places an empty value at the start of the next line
                doc.positions[child] = doc.key_positions[child]
            else:
                doc.positions[child] = (value_line + 1, value_col + 1)
            result[str(key)] = _plain(value, child, doc, budget)
        return result
    if isinstance(node, CommentedSeq):
        items = []
        for index, value in enumerate(node):
            line, col = node.lc.item(index)
            doc.positions[(*path, index)] = (line + 1, col + 1)
            items.append(_plain(value, (*path, index), doc, budget))
        return items
    value = _scalar(node)
    if tag == "!!str":  # ruamel keeps an explicit `!!str` as a tagged scalar
        value = str(getattr(node, "value", ""))
    if isinstance(value, str):
        _refuse_unstorable(value, path, doc.positions.get(path, (1, 1)), doc.file)
    if tag == "!!str":
        return value
    if value is not None and not isinstance(value, bool | int | float | str):
        line, column = doc.positions.get(path, (None, None))
        message, hint = _bad_scalar(node, value)
        raise fail(
            message,
            hint,
            file=doc.file,
            line=line,
            column=column,
            spec_path=".".join(str(p) for p in path),
        )
    return value


_SURROGATE = re.compile("[\ud800-\udfff]")


def _refuse_unstorable(text: str, path: SpecPath, at: Position, file: str) -> None:
    """Refuse text no generated project can hold, here rather than when it is written.

    YAML reads `"\\ud83d\\ude00"` as two halves of a UTF-16 pair, which no UTF-8 file can
    hold; and `"\\0"` as NUL, which PostgreSQL cannot store in text, a comment or a name."""
    if "\x00" in text:
        message = "the text holds the NUL character (`\\0`), which PostgreSQL cannot store"
        hint = "remove it"
    elif found := _SURROGATE.search(text):
        half = ord(found.group())
        message = f"`\\u{half:04x}` is half of a UTF-16 surrogate pair, not a character"
        hint = "write the character itself, or escape it whole, e.g. `\\U0001F600` for 😀"
    else:
        return
    raise fail(
        message,
        hint,
        file=file,
        line=at[0],
        column=at[1],
        spec_path=".".join(str(p) for p in path),
    )


def _bad_key(key: Any) -> tuple[str, str]:
    if key is None:
        return "a key is empty (`~` or `null`)", "give it a name"
    if isinstance(key, bool | int | float):
        shown = str(key).lower() if isinstance(key, bool) else str(key)
        kind = "true/false" if isinstance(key, bool) else "a number"
        return (
            f"the key `{shown}` is read as {kind}, not as a name",
            f'quote it (`"{shown}":`), or use a name that starts with a letter',
        )
    return "a key is a list or mapping, not a name", "use a plain name as the key"


def _tag(node: Any) -> str:
    tag = str(getattr(getattr(node, "tag", None), "value", None) or "")
    return tag.replace("tag:yaml.org,2002:", "!!")


def _bad_scalar(node: Any, value: Any) -> tuple[str, str]:
    tag = _tag(node)
    if isinstance(value, dt.date):
        return (
            f"`{value}` is read as a YAML date, which a spec cannot hold",
            f'quote it: "{value}"',
        )
    if isinstance(value, bytes):
        return "binary data (`!!binary`) is not supported in a spec", "remove it"
    if tag:
        return f"the YAML tag `{tag}` is not supported in a spec", f"remove `{tag}`"
    return (
        f"a YAML {type(value).__name__} value is not supported in a spec",
        "use plain text, numbers, true/false, lists and mappings",
    )


def _lc(node: CommentedMap, key: Any) -> tuple[int, int, int, int] | None:
    """Line/column of a key and its value (0-based), looking into `<<:` merged mappings."""
    entry = node.lc.data.get(key)
    if entry is not None:
        return int(entry[0]), int(entry[1]), int(entry[2]), int(entry[3])
    for item in getattr(node, "merge", None) or ():
        source = item[1] if isinstance(item, tuple) else item
        if isinstance(source, CommentedMap) and key in source:
            return _lc(source, key)
    return None


def _parent(path: SpecPath, doc: Document) -> tuple[int, int, int, int]:
    line, column = doc.positions.get(path, (1, 1))
    return line - 1, column - 1, line - 1, column - 1


def _scalar(value: Any) -> Any:
    # ruamel wraps scalars in subclasses that keep their formatting; validation wants builtins.
    if isinstance(value, ScalarBoolean):  # an int subclass, so it must come first
        return bool(value)
    for kind in (bool, int, float, str):
        if isinstance(value, kind):
            return kind(value)
    return value
