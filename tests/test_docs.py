"""Documentation that is generated from code must be up to date, and free of machine paths."""

from __future__ import annotations

from sim import docgen


def test_model_md_tables_are_current() -> None:
    text = docgen.MODEL_MD.read_text(encoding="utf-8")
    assert docgen.render(text) == text, "docs/MODEL.md is stale: run `python -m sim.docgen`"


def test_model_md_lists_every_parameter() -> None:
    from sim.params import SCHEMA

    text = docgen.MODEL_MD.read_text(encoding="utf-8")
    for spec in SCHEMA:
        assert f"`{spec.name}`" in text


def test_model_md_has_odd_sections_in_order() -> None:
    text = docgen.MODEL_MD.read_text(encoding="utf-8")
    headings = [
        "Purpose and patterns",
        "Entities, state variables and scales",
        "Process overview and scheduling",
        "Design concepts",
        "Initialisation",
        "Input data",
        "Submodels",
        "What this model cannot tell you",
    ]
    positions = [text.index(f". {h}\n") for h in headings]
    assert positions == sorted(positions)
