"""The compact field form: `str:200:unique`, `enum:a|b=a`, `ref:User:cascade?`."""

from __future__ import annotations

from typing import Any

import pytest

from persistgen.spec.compact import GRAMMAR, CompactError, expand, field_types, parse_cli_field
from persistgen.spec.model import FieldSpec


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("text", {"type": "text"}),
        ("text?", {"type": "text", "nullable": True}),
        ("str:200", {"type": "str", "max_length": 200}),
        ("str:200:unique", {"type": "str", "max_length": 200, "unique": True}),
        ("str:unique", {"type": "str", "unique": True}),
        ("str:8:pk", {"type": "str", "max_length": 8, "primary_key": True}),
        ("int:index", {"type": "int", "index": True}),
        ("datetime:readonly?", {"type": "datetime", "read_only": True, "nullable": True}),
        ("decimal:10:2", {"type": "decimal", "precision": 10, "scale": 2}),
        ("decimal:5:2=0.00", {"type": "decimal", "precision": 5, "scale": 2, "default": 0.0}),
        (
            "enum:draft|published=draft",
            {"type": "enum", "values": ["draft", "published"], "default": "draft"},
        ),
        ("enum:PG-13|R|G?", {"type": "enum", "values": ["PG-13", "R", "G"], "nullable": True}),
        ("ref:User", {"type": "ref", "target": "User"}),
        ("ref:User:cascade", {"type": "ref", "target": "User", "on_delete": "cascade"}),
        (
            "ref:User:set_null?",
            {"type": "ref", "target": "User", "on_delete": "set null", "nullable": True},
        ),
        ("ref:User:restrict", {"type": "ref", "target": "User", "on_delete": "restrict"}),
        ("bool=false", {"type": "bool", "default": False}),
        ("bool=true", {"type": "bool", "default": True}),
        ("int=-3", {"type": "int", "default": -3}),
        ("float=1.5e3", {"type": "float", "default": 1500.0}),
        ("str:20=hello world", {"type": "str", "max_length": 20, "default": "hello world"}),
        ('str="42"', {"type": "str", "default": "42"}),  # quotes keep a number as text
        ("str='true'", {"type": "str", "default": "true"}),
        ("str=a=b", {"type": "str", "default": "a=b"}),  # only the first `=` splits
        ("str=nan", {"type": "str", "default": "nan"}),  # not float("nan")
        ("str=1_000", {"type": "str", "default": "1_000"}),  # not int("1_000")
        ("str?=", {"type": "str", "nullable": True, "default": ""}),
        (" str : 200 ", {"type": "str", "max_length": 200}),
        ("char:2:pk", {"type": "char", "max_length": 2, "primary_key": True}),
        ("list:str", {"type": "list", "items": "str"}),
        ("list:decimal?", {"type": "list", "items": "decimal", "nullable": True}),
        ("smallint=5", {"type": "smallint", "default": 5}),
    ],
)
def test_expand(text: str, expected: dict[str, Any]) -> None:
    assert expand(text) == expected


def test_expand_gives_what_the_model_accepts() -> None:
    field = FieldSpec.model_validate(expand("ref:User:cascade:index?"))
    assert (field.type, field.target, field.on_delete) == ("ref", "User", "cascade")
    assert field.index and field.nullable
    assert field.model_fields_set == {"type", "target", "on_delete", "index", "nullable"}


@pytest.mark.parametrize(
    ("text", "message", "hint", "option"),
    [
        ("", "names no type", "TYPE[:ARG...]", "type"),
        ("=5", "names no type", "TYPE[:ARG...]", "type"),
        (":200", "names no type", "TYPE[:ARG...]", "type"),
        ("strng", "unknown field type `strng`", "did you mean `str`?", "type"),
        ("Str:20", "unknown field type `Str` in `Str:20`", "did you mean `str`?", "type"),
        ("varchar:20", "unknown field type `varchar`", "did you mean `str`? types: int,", "type"),
        ("integer", "unknown field type `integer`", "did you mean `int`?", "type"),
        ("money", "unknown field type `money`", "did you mean `decimal`?", "type"),
        ("long", "unknown field type `long`", "did you mean `bigint`?", "type"),
        ("blob?", "unknown field type `blob`", "did you mean `bytes`?", "type"),
        ("varchar(200)", "unknown field type `varchar(200)`", "did you mean `str:200`?", "type"),
        ("numeric(10, 2)", "`numeric(10, 2)`", "did you mean `decimal:10:2`?", "type"),
        ("list[string]", "`list[string]`", "did you mean `list:str`?", "type"),
        ("Optional[int]", "`Optional[int]`", "did you mean `int?`?", "type"),
        ("foo(3)", "unknown field type `foo(3)`", "types: int,", "type"),
        ("enum:a,b", "enum values are separated by `|`", "write `enum:a|b`", "values"),
        ("enum:a, b=a", "enum values are separated by `|`", "the mapping form", "values"),
        ("list:strng", "a list cannot hold `strng`", "did you mean `str`? items can be:", "items"),
        ("list:json", "a list cannot hold `json`", "items can be: str, text, int", "items"),
        ("str?:20", "unknown field type `str?`", "`?` goes after the arguments", "type"),
        ("str:abc", "max_length must be a whole number, not `abc`", "`str:200`", "max_length"),
        ("str:uniqe", "not `uniqe`", "did you mean `unique`?", "max_length"),
        ("str:²", "max_length must be a whole number", "`str:200`", "max_length"),
        ("decimal:10:x", "scale must be a whole number, not `x`", "`decimal:10:2`", "scale"),
        ("str:200:uniqe", "unexpected `uniqe`", "did you mean `unique`?", None),
        ("int:5", "compact field `int:5`: unexpected `5`", "`unique`", None),
        ("ref:User:set null", "unexpected `set null`", "did you mean `set_null`?", None),
        ("str:200:cascade", "unexpected `cascade`", "after `str` come", None),
    ],
)
def test_expand_errors(text: str, message: str, hint: str, option: str | None) -> None:
    with pytest.raises(CompactError) as info:
        expand(text)
    error = info.value
    assert message in error.message
    assert hint in error.hint
    assert error.option == option
    assert str(error) == f"{error.message}; {error.hint}"  # one line for the CLI
    assert "\n" not in str(error)
    assert isinstance(error, ValueError)


def test_field_types_match_the_model() -> None:
    types = field_types()
    assert types[:4] == ("int", "bigint", "smallint", "str")
    assert {"enum", "ref", "decimal", "json", "jsonb", "bytes", "list", "char"} <= set(types)
    for kind in types:
        FieldSpec.model_validate({"type": kind})  # every listed type is one the model takes


def test_grammar_examples_expand() -> None:
    examples = [part.split("`")[1] for part in GRAMMAR.split("e.g. ")[1].split(", ")]
    assert len(examples) == 6
    for example in examples:
        assert expand(example)["type"] in field_types()


@pytest.mark.parametrize(
    ("text", "name", "expected"),
    [
        ("title:str:200", "title", {"type": "str", "max_length": 200}),
        ("body:text?", "body", {"type": "text", "nullable": True}),
        (
            "author:ref:User:restrict",
            "author",
            {"type": "ref", "target": "User", "on_delete": "restrict"},
        ),
        (
            "status:enum:a|b=a",
            "status",
            {"type": "enum", "values": ["a", "b"], "default": "a"},
        ),
    ],
)
def test_parse_cli_field(text: str, name: str, expected: dict[str, Any]) -> None:
    assert parse_cli_field(text) == (name, expected)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("title", "`title` is not NAME:TYPE"),
        (":str", "`:str` is not NAME:TYPE"),
        ("", "is not NAME:TYPE"),
        ("title:", "names no type"),
        ("title:strng", "unknown field type `strng`"),
        ("title:str:x", "max_length must be a whole number"),
    ],
)
def test_parse_cli_field_errors(text: str, message: str) -> None:
    with pytest.raises(ValueError) as info:
        parse_cli_field(text)
    assert isinstance(info.value, CompactError)
    assert message in str(info.value)
    assert info.value.hint
