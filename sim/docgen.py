"""Generated parts of docs/MODEL.md: the parameter table from the schema, the escalation presets
beside what the model gives at each (from sim/presets_solved.json), and every constant of the
submodels with its source (sim/constants.py).

`python -m sim.docgen` rewrites the blocks between the markers in docs/MODEL.md; a test fails when
the committed file is out of date, so the documentation cannot drift from the code.
"""

from __future__ import annotations

import sys
from pathlib import Path

from sim import constants, presets
from sim.params import ACTOR_NAMES, SCHEMA, ParamSpec, format_value

MODEL_MD = Path(__file__).resolve().parent.parent / "docs" / "MODEL.md"
BLOCKS = {
    "parameters": "<!-- generated: parameters -->",
    "presets": "<!-- generated: presets -->",
    "constants": "<!-- generated: constants -->",
}
END = "<!-- end generated -->"


def _range(s: ParamSpec) -> str:
    if s.kind == "float":
        return f"{s.minimum:g} – {s.maximum:g}"
    if s.kind == "choice":
        return " / ".join(s.choices)
    if s.kind == "bool":
        return "true / false"
    return f"16 Oct – 20 Nov ({s.timezone} time)"


def parameter_table() -> str:
    rows = [
        "| name | actor | default | range | unit | meaning | source |",
        "|---|---|---|---|---|---|---|",
    ]
    for s in SCHEMA:
        rows.append(
            f"| `{s.name}` | {ACTOR_NAMES[s.actor]} | {format_value(s.default)} | {_range(s)} | "
            f"{s.unit} | {s.meaning} | {s.source} |"
        )
    return "\n".join(rows)


def preset_table() -> str:
    """Each preset's estimate beside what the model's baseline gives at its solved escalation risk
    (the measurement `cuba62 presets --solve` stored), in order of that risk."""
    rows = [
        f"| preset | the estimate (what it measures) | source | conf. | `{presets.PARAMETER}` "
        "(solved) | the model gives [95%] | per seed |",
        "|---|---|---|---|---|---|---|",
    ]
    size, notes = "", []
    for p in presets.ordered():
        found = presets.solved(p.id)
        value = gives = per_seed = "not solved"
        if found is not None:
            size = found.run_size
            value = format_value(found.value)
            gives = found.measured.text() + ("" if found.inside(p) else " **outside the range**")
            per_seed = ", ".join(f"{m.share:.1%}" for m in found.per_seed.values())
            if found.at_bound(p):
                notes.append(f"`{p.id}`: {found.at_bound(p)}.")
        rows.append(
            f"| `{p.id}` — {p.label} | {p.estimate} — {p.note} | {p.source} | {p.confidence} | "
            f"{value} | {gives} | {per_seed} |"
        )
    measured = f"Measured: {size}; `{presets.SOLVE_COMMAND}` reproduces it." if size else ""
    return "\n".join(rows) + "".join(f"\n\n{line}" for line in [measured, *notes] if line)


def render(text: str) -> str:
    """`text` with every generated block replaced by its current content."""
    content = {
        "parameters": parameter_table(),
        "presets": preset_table(),
        "constants": constants.markdown_table(),
    }
    for name, marker in BLOCKS.items():
        head, sep, rest = text.partition(marker)
        if not sep:
            continue
        _, end, tail = rest.partition(END)
        if not end:
            raise ValueError(f"docs/MODEL.md: block '{name}' has no '{END}' marker")
        text = f"{head}{marker}\n{content[name]}\n{END}{tail}"
    return text


def update() -> bool:
    """Rewrite the generated blocks of docs/MODEL.md (when this copy has it); True if changed."""
    if not MODEL_MD.is_file():
        return False
    text = MODEL_MD.read_text(encoding="utf-8")
    new = render(text)
    if new != text:
        MODEL_MD.write_text(new, encoding="utf-8")
    return new != text


def main() -> int:
    if update():
        print(f"updated {MODEL_MD.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
