"""The Alembic migrations create exactly the ORM's schema (as `alembic check` would say), have a
single head, go down and up again, and ship with the package."""

from __future__ import annotations

import fnmatch
import tomllib
from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect

from classroom import db
from classroom.models import Base
from classroom.store import Store

ROOT = Path(__file__).resolve().parent.parent


def schema_drift(engine: Engine) -> list[object]:
    with engine.connect() as c:
        return list(compare_metadata(MigrationContext.configure(c), Base.metadata))


def test_upgrade_from_empty_gives_the_orm_schema(tmp_path: Path) -> None:
    engine = db.make_engine(f"sqlite:///{tmp_path / 'm.sqlite'}", immediate=True)
    assert inspect(engine).get_table_names() == []
    db.upgrade(engine)
    assert schema_drift(engine) == []
    tables = set(inspect(engine).get_table_names())
    assert tables == set(Base.metadata.tables) | {"alembic_version"}
    db.upgrade(engine)  # at head already: nothing to do, nothing breaks
    assert schema_drift(engine) == []


def test_drift_would_be_noticed(tmp_path: Path) -> None:
    """The comparison is not vacuous: a schema missing an index is reported."""
    engine = db.make_engine(f"sqlite:///{tmp_path / 'm.sqlite'}", immediate=True)
    db.upgrade(engine)
    with engine.begin() as c:
        c.exec_driver_sql("DROP INDEX ix_classes_expires_at")
    assert schema_drift(engine) != []


def test_one_head_down_and_up_again(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'm.sqlite'}"
    cfg = db.alembic_config(url)
    heads = ScriptDirectory.from_config(cfg).get_heads()
    assert len(heads) == 1
    store = Store(url)
    store.create_class("baseline")
    store.close()
    command.downgrade(cfg, "base")
    engine = db.make_engine(url)
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    command.upgrade(cfg, "head")
    assert schema_drift(engine) == []


def test_migrations_ship_as_package_data() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["classroom"]
    assert "classroom*" in config["tool"]["setuptools"]["packages"]["find"]["include"]
    files = [
        p.relative_to(ROOT / "classroom").as_posix()
        for p in (ROOT / "classroom" / "migrations").rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    ]
    assert "migrations/env.py" in files and "migrations/script.py.mako" in files
    for name in files:
        assert any(fnmatch.fnmatch(name, pat) for pat in patterns), name
