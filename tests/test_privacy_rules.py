"""Privacy rule 1: no field, column, option or key for immigration status,
citizenship, country of birth, visa, A-number or SSN — and notes that seem
to hold such information are caught before saving."""

from __future__ import annotations

import json
import re
from importlib import resources

import pytest

from schoolintake.cli import build_parser
from schoolintake.privacy import FORBIDDEN_FIELD_WORDS, sensitive_terms
from schoolintake.store import Store


def _words(text: str) -> set[str]:
    lowered = text.lower().replace("-", "_")
    tokens = set(re.findall(r"[a-z_]+", lowered))
    # Also the pieces of snake_case names, and the names themselves.
    for token in list(tokens):
        tokens.update(token.split("_"))
    return tokens | {lowered}


def _forbidden_in(text: str) -> list[str]:
    lowered = text.lower().replace("-", "_").replace(" ", "_")
    return [word for word in FORBIDDEN_FIELD_WORDS if word in lowered]


def test_schema_has_no_forbidden_field(store: Store) -> None:
    names = []
    for table, sql in store.query("SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL"):
        names.append(table)
        names.append(sql)
        if not table.startswith("sqlite_"):
            names.extend(row[1] for row in store.query(f"PRAGMA table_info('{table}')"))
    found = [(name, _forbidden_in(name)) for name in names if _forbidden_in(name)]
    assert found == []


def _all_help() -> str:
    parser = build_parser()
    texts = [parser.format_help()]
    for action in parser._actions:
        if hasattr(action, "choices") and isinstance(action.choices, dict):
            texts.extend(sub.format_help() for sub in action.choices.values())
    return "\n".join(texts)


def test_cli_help_has_no_forbidden_word() -> None:
    help_text = _all_help()
    assert "add" in help_text and "--notes" in help_text  # the scan sees real help
    assert _forbidden_in(help_text) == []


def test_starter_directory_and_exports_have_no_forbidden_key() -> None:
    document = json.loads(resources.files("schoolintake").joinpath("data/starter_directory.json").read_text("utf-8"))

    def keys(node: object) -> list[str]:
        if isinstance(node, dict):
            return list(node) + [k for value in node.values() for k in keys(value)]
        if isinstance(node, list):
            return [k for value in node for k in keys(value)]
        return []

    assert [k for k in keys(document) if _forbidden_in(k)] == []


def test_the_scan_itself_catches_a_forbidden_column() -> None:
    assert _forbidden_in("CREATE TABLE referral (immigration_status TEXT)") == ["immigration"]
    assert _forbidden_in("--country-of-birth") == ["country_of_birth"]
    assert _forbidden_in("a_number") == ["a_number"]


@pytest.mark.parametrize(
    "notes, expected",
    [
        ("Dad is undocumented", "undocumented"),
        ("has a Green Card", "green card"),
        ("waiting for ASYLUM hearing", "asylum"),
        ("SSN 123-45-6789", "123-45-6789"),
        ("A-number A123456789", "A123456789"),
        ("La mamá no tiene papeles, está sin papeles", "sin papeles"),
        ("需要签证帮助", "签证"),
        ("لديه تأشيرة", "تأشيرة"),
        ("গ্রিন কার্ড আছে", "গ্রিন কার্ড"),
        ("Нужна виза", "виза"),
    ],
)
def test_sensitive_terms_are_found(notes: str, expected: str) -> None:
    assert expected in sensitive_terms(notes)


@pytest.mark.parametrize("notes", ["Prefers evening classes", "Needs childcare", "Call after 6 pm", "Nice family", ""])
def test_ordinary_notes_pass(notes: str) -> None:
    assert sensitive_terms(notes) == []


def test_ui_language_terms_come_first() -> None:
    assert sensitive_terms("visa y asilo", "es")[0] in ("visa", "asilo")
