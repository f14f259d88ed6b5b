"""The user-facing docs stay true to the code they describe."""

from __future__ import annotations

from pathlib import Path

from docs.make_docs import TARGET, render

ROOT = Path(__file__).resolve().parent.parent


def test_workbook_doc_is_generated_from_the_schema() -> None:
    assert TARGET.read_text(encoding="utf-8") == render(), "run: python docs/make_docs.py"


def test_readme_names_the_two_commands_and_ci_runs_the_test_one() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make run" in readme
    assert "make test" in readme
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
