"""The layering in .importlinter holds, and import-linter would notice if it did not.

`make lint` runs the same check; these tests prove it on the real tree and on a copy of it with
deliberate violations (made in a temporary folder, so nothing is left behind in the repository).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / ".importlinter"
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"

pytestmark = pytest.mark.skipif(
    not LINT_IMPORTS.exists(), reason="import-linter is not installed (make venv-dev)"
)

#: One deliberate break of each enforced contract: (file in the copy, its text, contract name).
VIOLATIONS = (
    ("sim/_violation.py", "import streamlit\n", "sim never imports ui or streamlit"),
    ("sim/_violation_ui.py", "import ui.components.session\n", "sim never imports ui or streamlit"),
    (
        "ui/_violation.py",
        "from sim.world import LADDER\n",
        "ui imports only the public sim modules",
    ),
    (
        "ui/_violation_analysis.py",
        "from sim.analysis.sensitivity import design\n",
        "ui imports only the public sim modules",
    ),
    (
        "sim/analysis/_violation.py",
        "from sim.cli import inputs\n",
        "sim.analysis never imports the command line",
    ),
    (
        "sim/agents/_violation.py",
        "from sim.model import CrisisModel\n",
        "sim.agents never imports sim.model",
    ),
    ("sim/_violation_db.py", "import classroom.store\n", "sim never imports classroom"),
    ("sim/_violation_sa.py", "import sqlalchemy\n", "sim never imports classroom"),
    ("classroom/_violation.py", "import streamlit\n", "classroom never imports ui or streamlit"),
    (
        "classroom/_violation_sim.py",
        "from sim.world import LADDER\n",
        "classroom imports only the public sim modules",
    ),
    ("ui/_violation_sa.py", "import sqlalchemy\n", "ui never imports sqlalchemy or alembic"),
)


def lint_imports(cwd: Path) -> subprocess.CompletedProcess[str]:
    """lint-imports with the .importlinter in `cwd`, on the packages in `cwd` (first on path)."""
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": str(LINT_IMPORTS.parent), "PYTHONPATH": str(cwd)},
    )


def copy_tree(target: Path) -> None:
    for package in ("sim", "ui", "classroom"):
        shutil.copytree(
            ROOT / package, target / package, ignore=shutil.ignore_patterns("__pycache__")
        )
    shutil.copy(CONFIG, target / ".importlinter")


def test_real_tree_keeps_every_contract() -> None:
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_a_copy_of_the_tree_keeps_them_too(tmp_path: Path) -> None:
    copy_tree(tmp_path)
    result = lint_imports(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(("path", "text", "contract"), VIOLATIONS, ids=lambda v: str(v)[:24])
def test_each_violation_breaks_its_contract(
    tmp_path: Path, path: str, text: str, contract: str
) -> None:
    copy_tree(tmp_path)
    (tmp_path / path).write_text(text, encoding="utf-8")
    result = lint_imports(tmp_path)
    assert result.returncode != 0, result.stdout
    broken = result.stdout.split("Broken contracts", 1)[-1].replace("\n", " ")
    assert contract in broken, result.stdout
    assert path.removesuffix(".py").replace("/", ".") in broken, result.stdout  # the culprit


def test_ui_may_use_the_class_store(tmp_path: Path) -> None:
    """ui -> classroom -> sqlalchemy is allowed (only a direct import of sqlalchemy is not)."""
    copy_tree(tmp_path)
    (tmp_path / "ui" / "_uses_store.py").write_text(
        "from classroom.store import Store\n", encoding="utf-8"
    )
    result = lint_imports(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
