"""The spec reference (the documentation site's reference/spec.md) says what the JSON Schema
says: every mapping has its section, every key its row, with the schema's description."""

from __future__ import annotations

import re

from persistgen.spec.model import json_schema
from persistgen.spec.reference import markdown


def test_every_key_of_every_mapping_has_its_row_and_description() -> None:
    schema, page = json_schema(), markdown()
    sections = re.split(r"^## ", page, flags=re.M)[1:]
    mappings = [schema, *schema["$defs"].values()]
    assert len(sections) == len(mappings) + 1  # and the compact form's
    for mapping in mappings:
        for key, prop in mapping["properties"].items():
            assert prop.get("description"), f"{mapping.get('title')}.{key} has no description"
            description = " ".join(prop["description"].split()).replace("|", "\\|")
            rows = [s for s in sections if f"| `{key}` |" in s and description in s]
            assert rows, (
                f"{mapping.get('title')}.{key} is not in the reference as the schema has it"
            )


def test_links_between_sections_name_sections_that_exist() -> None:
    page = markdown()
    anchors = set(re.findall(r"\{#([\w-]+)\}", page))
    assert set(re.findall(r"\]\(#([\w-]+)\)", page)) <= anchors
    assert "compact-field-form" in anchors and "resources-resource-fields-field" in anchors
