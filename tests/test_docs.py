"""The user-facing docs stay true to the code they describe."""

from __future__ import annotations

from pathlib import Path

from chain import columns
from chain.__main__ import build_parser
from docs.make_docs import CLI_TARGET, TARGET, render, render_cli

ROOT = Path(__file__).resolve().parent.parent


def test_workbook_doc_is_generated_from_the_schema() -> None:
    assert TARGET.read_text(encoding="utf-8") == render(), "run: python docs/make_docs.py"


def test_cli_doc_is_generated_from_the_parser_and_the_catalogue() -> None:
    assert CLI_TARGET.read_text(encoding="utf-8") == render_cli(), "run: python docs/make_docs.py"


def test_cli_doc_names_every_command_option_and_json_key() -> None:
    text = render_cli()
    parser = build_parser()
    commands = next(a for a in parser._actions if a.dest == "command")
    for name, sub in commands.choices.items():
        assert f"## `{name}`" in text
        for action in sub._actions:
            if action.dest == "help":
                continue
            for option in action.option_strings:
                assert f"`{option}" in text or f", {option}" in text, option
    for fields in (*columns.JSON_FIELDS.values(), columns.PROBLEM_JSON, columns.COMPLETENESS_JSON):
        for key in fields:
            assert f"| `{key}` |" in text, key


def test_readme_points_to_the_cli_doc_not_outside_the_repository() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "docs/cli.md" in readme
    assert "../shared" not in readme


def test_readme_names_the_two_commands_and_ci_runs_the_test_one() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make run" in readme
    assert "make test" in readme
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
