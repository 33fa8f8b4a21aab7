"""Where the class store lives and how it is opened.

`CUBA62_DATABASE_URL` (e.g. `postgresql+psycopg://user@localhost:5432/cuba62`) names the
database; without it, a SQLite file `cuba62.sqlite` in the project's `data/` folder (or in
`CUBA62_DATA_DIR`) is used and created: nothing to install, and it survives a server restart.

SQLite is opened for many short concurrent writers (a class of 40 answering at once): WAL
journal (readers never wait for the writer), a busy timeout (a writer waits for the lock instead
of failing at once), and writes begin with `BEGIN IMMEDIATE` (a write transaction takes the lock
at its start, so two writers cannot both read and then deadlock on upgrading). `upgrade()` brings
the schema to the newest Alembic revision (migrations ship in `classroom/migrations/`).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

ENV_URL = "CUBA62_DATABASE_URL"
ENV_DATA_DIR = "CUBA62_DATA_DIR"
PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_FILE = "cuba62.sqlite"
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
#: How long a SQLite writer waits for the lock before "database is locked" (milliseconds).
BUSY_TIMEOUT_MS = 10_000


def data_dir(env: Mapping[str, str] | None = None) -> Path:
    """The folder of the default SQLite file: `CUBA62_DATA_DIR`, else `data/` in the project."""
    env = os.environ if env is None else env
    return Path(env.get(ENV_DATA_DIR) or PROJECT_ROOT / "data")


def database_url(env: Mapping[str, str] | None = None) -> str:
    """`CUBA62_DATABASE_URL` if set, else the default SQLite file (its folder is created)."""
    env = os.environ if env is None else env
    url = (env.get(ENV_URL) or "").strip()
    if url:
        return url
    folder = data_dir(env)
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / DEFAULT_FILE}"


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def masked(url: str) -> str:
    """A URL as given, with any password replaced by *** (also when it does not parse)."""
    return re.sub(r"(://[^:/@]*:)[^@]*@", r"\1***@", url)


def describe(url: str) -> str:
    """The URL without its password, for messages and logs."""
    return make_url(url).render_as_string(hide_password=True)


def make_engine(
    url: str, *, immediate: bool = False, busy_timeout_ms: int = BUSY_TIMEOUT_MS
) -> Engine:
    """An engine for `url`. For SQLite: WAL, busy timeout, foreign keys on, and transactions
    started by us (`BEGIN IMMEDIATE` when `immediate`, for writers; plain `BEGIN` otherwise)."""
    if not is_sqlite(url):
        return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)
    path = make_url(url).database
    if path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        url,
        connect_args={"timeout": busy_timeout_ms / 1000, "check_same_thread": False},
        pool_size=10,
        max_overflow=30,
        pool_timeout=60,
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves (below)
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def alembic_config(url: str) -> Any:
    """An Alembic `Config` for the shipped migrations (no alembic.ini needed)."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(engine: Engine) -> None:
    """Bring the database to the newest schema (Alembic `upgrade head`, on `engine`)."""
    from alembic import command

    cfg = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as connection:
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, "head")
