"""The project database: tables, engines and schema migrations (SQLAlchemy Core 2.x).

One schema serves both back ends: SQLite (one file, the default) and PostgreSQL (a team
server). Tables:

=================  =======================================================================
``meta``           key/value facts about the project (``unit``, ``created``)
``schema_version`` one row per migration applied (``version``, ``applied``)
``documents``      ``key`` (corpus order), ``doc_id``, ``text`` (as analysed), ``metadata``
                   (JSON: every other :class:`~qualkit.corpus.Document` field), ``sha256``
``passages``       ``key`` (corpus order), ``passage_id``, ``doc`` (document key), ``start``,
                   ``end``, ``info`` (JSON: speaker, role, unit, parent_id, section, page...)
``codebooks``      every codebook version: ``key``, ``hash``, ``seq`` (highest = current),
                   ``yaml``, ``created``
``codings``        ``id``, ``doc``, ``passage``, ``start``, ``end``, ``spans`` (NULL for the one
                   span), ``cue``, ``code_id``, ``coder``, ``method``, ``status``,
                   ``confidence``, ``codebook`` (codebook key), ``memo``, ``created``,
                   ``modified``
``memos``          ``id``, ``doc``, ``code_id``, ``coding_id``, ``coder``, ``text``,
                   ``created``, ``modified``
``snapshots``      (version 2) the codings as compressed numpy columns at one log
                   position: ``position``, ``rows``, ``created``, ``data``; a cache
                   (:mod:`qualkit.project.snapshot`), never a source
``log``            append-only: ``id``, ``action_id`` (rows written by one action share it),
                   ``at``, ``coder``, ``action``, ``coding_id``, ``before``, ``after``
                   (the coding's row before and after, as compact JSON lists),
                   ``undoes`` (the action reversed or redone)
=================  =======================================================================

Documents, passages and codebook versions are referred to by integer keys, so a coding
row is small (the file stays under 3x its texts plus codings as CSV).

Times are integer microseconds since 1970-01-01 UTC. SQLite runs in WAL mode with foreign
keys on, a 60 s busy timeout and ``synchronous=NORMAL`` (a crashed process or kernel loses
nothing committed); every write transaction starts with ``BEGIN IMMEDIATE``, so two
processes writing at once wait for each other instead of failing. On PostgreSQL a write
transaction takes a transaction-scoped advisory lock for the same effect.

>>> engine = make_engine("sqlite://")
>>> upgrade(engine)
2
>>> sorted(METADATA.tables)[:3]
['codebooks', 'codings', 'documents']
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import event

from qualkit.errors import QualkitError

METHODS = ("auto", "manual", "suggested", "imported")
STATUSES = ("proposed", "accepted", "rejected")
SCHEMA_VERSION = 2
BUSY_TIMEOUT_S = 60.0
"""How long a SQLite writer waits for another process's write lock before giving up."""
_PG_LOCK_KEY = 0x71756B  # "quk": the advisory lock that serialises a project's writers

METADATA = sa.MetaData()

meta = sa.Table(
    "meta", METADATA,
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)
schema_version = sa.Table(
    "schema_version", METADATA,
    sa.Column("version", sa.Integer, primary_key=True),
    sa.Column("applied", sa.BigInteger, nullable=False),
)
documents = sa.Table(
    "documents", METADATA,
    sa.Column("key", sa.Integer, primary_key=True, autoincrement=False),  # corpus order, from 1
    sa.Column("doc_id", sa.Text, nullable=False, unique=True),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("metadata", sa.JSON, nullable=False),
    sa.Column("sha256", sa.Text, nullable=False, default=""),
)
passages = sa.Table(
    "passages", METADATA,
    sa.Column("key", sa.Integer, primary_key=True, autoincrement=False),  # corpus order, from 1
    sa.Column("passage_id", sa.Text, nullable=False, unique=True),
    sa.Column("doc", sa.Integer, sa.ForeignKey("documents.key"), nullable=False),
    sa.Column("start", sa.Integer, nullable=False),
    sa.Column("end", sa.Integer, nullable=False),
    sa.Column("info", sa.JSON, nullable=False),
)
codebooks = sa.Table(
    "codebooks", METADATA,
    sa.Column("key", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("hash", sa.String(64), nullable=False, unique=True),
    sa.Column("seq", sa.Integer, nullable=False),  # the highest is the current version
    sa.Column("yaml", sa.Text, nullable=False),
    sa.Column("created", sa.BigInteger, nullable=False),
)
codings = sa.Table(
    "codings", METADATA,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("doc", sa.Integer, sa.ForeignKey("documents.key"), nullable=False),
    sa.Column("passage", sa.Integer, sa.ForeignKey("passages.key"), nullable=False),
    sa.Column("start", sa.Integer, nullable=False),
    sa.Column("end", sa.Integer, nullable=False),
    sa.Column("spans", sa.Text, nullable=True),  # NULL: the one span start-end
    sa.Column("cue", sa.Text, nullable=False, default=""),
    sa.Column("code_id", sa.Text, nullable=False),
    sa.Column("coder", sa.Text, nullable=False),
    sa.Column("method", sa.String(16), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("confidence", sa.Float, nullable=True),
    sa.Column("codebook", sa.Integer, sa.ForeignKey("codebooks.key"), nullable=False),
    sa.Column("memo", sa.Text, nullable=False, default=""),
    sa.Column("created", sa.BigInteger, nullable=False),
    sa.Column("modified", sa.BigInteger, nullable=False),
    sa.CheckConstraint("start <= \"end\"", name="ck_codings_span"),
    sa.CheckConstraint(f"method IN {METHODS!r}", name="ck_codings_method"),
    sa.CheckConstraint(f"status IN {STATUSES!r}", name="ck_codings_status"),
    sa.Index("ix_codings_doc", "doc", "start"),
    sqlite_autoincrement=True,  # an undone removal gets its id back; ids are never reused
)
memos = sa.Table(
    "memos", METADATA,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("doc", sa.Integer, sa.ForeignKey("documents.key"), nullable=True),
    sa.Column("code_id", sa.Text, nullable=True),
    sa.Column("coding_id", sa.Integer, nullable=True),
    sa.Column("coder", sa.Text, nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("created", sa.BigInteger, nullable=False),
    sa.Column("modified", sa.BigInteger, nullable=False),
    sqlite_autoincrement=True,
)
log = sa.Table(
    "log", METADATA,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("action_id", sa.Integer, nullable=False),
    sa.Column("at", sa.BigInteger, nullable=False),
    sa.Column("coder", sa.Text, nullable=False),
    sa.Column("action", sa.String(16), nullable=False),
    sa.Column("coding_id", sa.Integer, nullable=True),
    sa.Column("before", sa.JSON, nullable=True),  # compact: a list in SNAPSHOT_FIELDS order
    sa.Column("after", sa.JSON, nullable=True),
    sa.Column("undoes", sa.Integer, nullable=True),
    sa.Index("ix_log_coder", "coder", "action_id"),
    sqlite_autoincrement=True,
)

snapshots = sa.Table(  # version 2: a cache of the codings table (qualkit.project.snapshot)
    "snapshots", METADATA,
    sa.Column("position", sa.BigInteger, primary_key=True, autoincrement=False),  # log id it reflects
    sa.Column("rows", sa.BigInteger, nullable=False),
    sa.Column("created", sa.BigInteger, nullable=False),
    sa.Column("data", sa.LargeBinary, nullable=False),
)

# version -> function(connection) bringing a schema at version-1 to this version.
# Version 1 is the tables above but ``snapshots``; later versions append a step here.
MIGRATIONS: dict[int, Callable[[sa.Connection], None]] = {
    1: lambda conn: METADATA.create_all(conn, tables=[t for t in METADATA.sorted_tables if t is not snapshots]),
    2: lambda conn: snapshots.create(conn),
}


def now_us() -> int:
    """Microseconds since 1970-01-01 UTC (how every time is stored)."""
    return time.time_ns() // 1000


def is_url(path_or_url: str | os.PathLike[str]) -> bool:
    """True for a database URL (``postgresql://...``, ``sqlite:///...``), False for a path."""
    return isinstance(path_or_url, str) and "://" in path_or_url


def database_url(path_or_url: str | os.PathLike[str]) -> str:
    """The SQLAlchemy URL of a project file path or database URL.

    ``postgresql://`` URLs are given the ``psycopg`` (version 3) driver.

    >>> database_url("postgresql://u@localhost:5432/qk")
    'postgresql+psycopg://u@localhost:5432/qk'
    """
    if not is_url(path_or_url):
        return "sqlite:///" + Path(path_or_url).resolve().as_posix()
    url = str(path_or_url)
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    if not url.startswith(("sqlite:", "postgresql+")):
        raise QualkitError(f"unsupported database URL {url.split('://')[0]}://...",
                           hint="give a project file path, sqlite:///path or postgresql://...")
    return url


def make_engine(url: str) -> sa.Engine:
    """An engine with qualkit's connection settings for SQLite or PostgreSQL."""
    if url.startswith("sqlite"):
        engine = sa.create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_S, "check_same_thread": False})
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return sa.create_engine(url, pool_pre_ping=True)


def _sqlite_connect(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
    dbapi_conn.isolation_level = None  # transactions are begun by _sqlite_begin
    cur = dbapi_conn.cursor()
    cur.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
    cur.execute("PRAGMA foreign_keys = ON")
    if cur.execute("PRAGMA journal_mode").fetchone()[0].lower() not in ("wal", "memory"):
        cur.execute("PRAGMA journal_mode = WAL")
    cur.execute("PRAGMA synchronous = NORMAL")
    cur.close()


def _sqlite_begin(conn: sa.Connection) -> None:
    reading = conn.get_execution_options().get("qualkit_read", False)
    conn.exec_driver_sql("BEGIN" if reading else "BEGIN IMMEDIATE")


@contextmanager
def writing(engine: sa.Engine) -> Iterator[sa.Connection]:
    """One write transaction: committed when the block ends, rolled back on error.

    Writers of one project are serialised (SQLite ``BEGIN IMMEDIATE``, PostgreSQL
    advisory lock), so read-check-write inside the block sees no concurrent change.
    """
    try:
        with engine.begin() as conn:
            if engine.dialect.name == "postgresql":
                conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LOCK_KEY})
            yield conn
    except sa.exc.OperationalError as err:
        if "locked" not in str(err.orig).lower():
            raise
        raise QualkitError(
            f"the project stayed locked by another process for {BUSY_TIMEOUT_S:g} s; nothing was written",
            hint="repeat the action; if it persists, look for a stuck kernel holding the project",
        ) from err


@contextmanager
def reading(engine: sa.Engine) -> Iterator[sa.Connection]:
    """One read transaction (a consistent snapshot; never blocks writers on SQLite)."""
    with engine.connect() as conn:
        conn = conn.execution_options(qualkit_read=True)
        with conn.begin():
            yield conn


def current_version(conn: sa.Connection) -> int:
    """The schema version of an open database (0 when it has no qualkit tables)."""
    if not sa.inspect(conn).has_table("schema_version"):
        return 0
    return int(conn.execute(sa.select(sa.func.max(schema_version.c.version))).scalar() or 0)


def install(conn: sa.Connection) -> None:
    """Create the current schema in an empty database, inside the caller's transaction."""
    for version in range(1, SCHEMA_VERSION + 1):
        MIGRATIONS[version](conn)
        conn.execute(sa.insert(schema_version).values(version=version, applied=now_us()))


def upgrade(engine: sa.Engine) -> int:
    """Apply the migrations a database lacks, each in its own transaction; return the version.

    Raises QualkitError when the database was written by a newer qualkit.
    """
    with writing(engine) as conn:
        version = current_version(conn)
    if version > SCHEMA_VERSION:
        raise QualkitError(
            f"the project has schema version {version}; this qualkit knows up to {SCHEMA_VERSION}",
            hint="upgrade qualkit to open this project",
        )
    for target in range(version + 1, SCHEMA_VERSION + 1):
        with writing(engine) as conn:
            if current_version(conn) >= target:  # another process migrated meanwhile
                continue
            MIGRATIONS[target](conn)
            conn.execute(sa.insert(schema_version).values(version=target, applied=now_us()))
    return SCHEMA_VERSION
