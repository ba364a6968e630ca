"""The database engine and the one session a request or a job works in.

Operations only `flush()`; the session is committed in exactly one place, at the end of a
request (see `init_app`) or at the end of a job (see `session_scope`).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from flask import Flask, Response, current_app, g
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

EXTENSION_KEY = "trivsel.db"


def make_engine(url: str, echo: bool = False) -> Engine:
    """An engine with the settings Trivsel relies on for each backend."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, echo=echo, connect_args={"timeout": 30})
        _configure_sqlite(engine)
        return engine
    if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
        url = parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    return create_engine(url, echo=echo, pool_pre_ping=True)


def _configure_sqlite(engine: Engine) -> None:
    """WAL mode, enforced foreign keys, and real transactions (savepoints work)."""

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # let SQLAlchemy emit BEGIN itself
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN")


class Database:
    """Holds the engine and the session factory of one app."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.sessionmaker: sessionmaker[Session] = sessionmaker(engine, expire_on_commit=False)

    @contextmanager
    def session_scope(self) -> Iterator[Session]:
        """A session for a job or a command: commit at the end, roll back on any error."""
        session = self.sessionmaker()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()


def get_database(app: Flask | None = None) -> Database:
    return (app or current_app).extensions[EXTENSION_KEY]


def db_session() -> Session:
    """The session of the current request, opened on first use."""
    if "db_session" not in g:
        g.db_session = get_database().sessionmaker()
    return g.db_session


def init_app(app: Flask) -> None:
    app.extensions[EXTENSION_KEY] = Database(
        make_engine(app.config["DATABASE_URL"], echo=app.config["DATABASE_ECHO"])
    )

    @app.after_request
    def commit_successful_request(response: Response) -> Response:
        session: Session | None = g.pop("db_session", None)
        if session is None:
            return response
        try:
            if response.status_code < 400:
                session.commit()
            else:
                session.rollback()
        finally:
            session.close()
        return response

    @app.teardown_request
    def roll_back_failed_request(_exc: BaseException | None) -> None:
        session: Session | None = g.pop("db_session", None)
        if session is not None:
            session.rollback()
            session.close()
