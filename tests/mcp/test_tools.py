"""The table of tools and their text views, without a server."""

from __future__ import annotations

from typing import Any

import jsonschema
import pytest

from zxkb.errors import UsageError
from zxkb.mcp import schemas, text, tools


@pytest.mark.parametrize("name", list(tools.TOOLS))
def test_schemas_are_valid_and_bounded(name: str) -> None:
    tool = tools.TOOLS[name]
    jsonschema.Draft202012Validator.check_schema(tool.input_schema)
    jsonschema.Draft202012Validator.check_schema(tool.output_schema)
    for prop, schema in tool.input_schema["properties"].items():
        assert schema.get("description"), (name, prop)
        if schema.get("type") == "integer":
            assert "maximum" in schema and "default" in schema, (name, prop)
            assert f"at most {schema['maximum']}" in schema["description"], (name, prop)
    assert tool.title and len(tool.description) > 200 and "Use it " in tool.description, name  # when to use it


def test_defaults_come_from_the_schema_and_bounds_are_checked() -> None:
    search = tools.TOOLS["search"]
    assert tools.with_defaults(search, {"query": "协商"}) == {
        "query": "协商",
        "copies": False,
        "limit": 10,
        "all": False,
        "fuzzy": False,
        "exact": False,
        "explain": False,
    }
    with pytest.raises(UsageError) as caught:
        tools.with_defaults(search, {"query": "协商", "limit": 101})
    assert caught.value.message == "search: limit: 101 is greater than the maximum of 100"


def _hit(**more: Any) -> dict[str, Any]:
    return {
        "ref": "3:7",
        "doc_title": "政府工作报告",
        "date": "2018-03-05",
        "section": "二(一)",
        "section_title": "深化改革",
        "paragraph": 7,
        "page": None,
        "snippet": "优化营商环境",
        "highlights": [[2, 6]],
        "approximate": False,
        **more,
    }


def test_search_text_marks_partial_and_approximate_hits() -> None:
    result = {
        "query": "营商环境 放管服",
        "total": 3,
        "approximate": 1,
        "partial": 1,
        "filters": {"doc": [], "year": [[2016, 2020]], "region": [], "type": ["government"]},
        "hits": [
            _hit(),
            _hit(ref="3:8", paragraph=8, approximate=True, variant="营商环境", similarity=90.0),
            _hit(ref="3:9", paragraph=9, match="partial", matched=["营商环境"], missing=["放管服"]),
        ],
    }
    lines = text.search(result).splitlines()
    assert lines[0] == "[3:7] 政府工作报告 (2018-03-05) · 二(一) 深化改革 · ¶7"
    assert lines[1] == "  优化【营商环境】"
    assert lines[3].endswith("(approximate: ≈ 营商环境, 90%)")
    assert lines[6].endswith("(partial: lacks 放管服)")
    assert lines[-1] == (
        "3 paragraphs (1 approximate, 1 partial: none holds every term)"
        " in the reports of year 2016-2020, type government."
    )


def test_search_text_shows_partial_hits_when_nothing_holds_every_term() -> None:
    result = {
        "query": "营商环境 手机银行",
        "total": 0,
        "approximate": 0,
        "partial": 2,
        "filters": {},
        "hits": [
            _hit(match="partial", matched=["营商环境"], missing=["手机银行"]),
            _hit(ref="3:9", paragraph=9, match="partial", matched=["营商环境"], missing=["手机银行"]),
        ],
        "suggestions": [{"term": "手机", "score": 80.0, "count": 2}],
    }
    lines = text.search(result).splitlines()
    assert lines[0] == "No paragraph contains '营商环境 手机银行'."
    assert lines[1].startswith("Closest terms of the reports: 手机 (2).")
    assert lines[2] == "Paragraphs that hold most of its terms (2 partial):"
    assert lines[4].endswith("(partial: lacks 手机银行)") and lines[4].startswith("[3:7]")
    assert lines[-2].startswith("[3:9]") or lines[-1].startswith("  ")
    assert sum(line.endswith("(partial: lacks 手机银行)") for line in lines) == 2


def test_text_escapes_control_characters() -> None:
    para = {**_hit(), "doc_title": "报告\x1b[2J", "text": "正文\x07"}
    assert "\x1b" not in text.citation(para) and "\\x1b[2J" in text.citation(para)
    assert text.show({**para, "context": []}).endswith("正文\\x07")


def test_outputs_are_objects() -> None:
    for tool in tools.TOOLS.values():
        assert tool.output_schema["type"] == "object"
    assert schemas.OUTLINE["$defs"]["section"]["properties"]["children"]["items"] == {"$ref": "#/$defs/section"}
