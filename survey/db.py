"""The database engine and the one session a request or a job works in.

Operations only `flush()`; the session is committed in exactly one place, at the end of a
request (see `init_app`) or at the end of a job (see `session_scope`).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from flask import Flask, Response, current_app, g, jsonify, render_template, request
from flask_babel import gettext as _
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker
from werkzeug.routing import IntegerConverter

log = logging.getLogger(__name__)

EXTENSION_KEY = "trivsel.db"
#: Seconds a client is asked to wait before it tries again while the database is out of reach.
RETRY_AFTER_SECONDS = 5
#: Seconds a SQLite connection waits for another's write to finish before it gives up.
SQLITE_BUSY_TIMEOUT_SECONDS = 15
#: The largest id a primary key holds (PostgreSQL `integer`).
MAX_ROW_ID = 2**31 - 1


class RowIdConverter(IntegerConverter):
    """`<int:...>` that reads a number beyond MAX_ROW_ID as 0, which no row has: the view
    answers 404 as for any unknown id, where the database would overflow (a 500). A `max`
    would not do: werkzeug then answers a POST with 405 when a GET route matches the URL."""

    def to_python(self, value: str) -> int:
        number = super().to_python(value)
        return number if number <= MAX_ROW_ID else 0


def make_engine(url: str, echo: bool = False) -> Engine:
    """An engine with the settings Trivsel relies on for each backend."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url, echo=echo, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS}
        )
        _configure_sqlite(engine)
        return engine
    if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
        url = parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    return create_engine(url, echo=echo, pool_pre_ping=True)


def _configure_sqlite(engine: Engine) -> None:
    """WAL mode, enforced foreign keys, and transactions that wait for SQLite's write lock.

    A transaction that reads and then writes fails at once with "database is locked" when
    another connection wrote in between: SQLite cannot move its read snapshot forward, and
    does not wait (busy_timeout) in that case. So no transaction here starts by reading: the
    reads before a transaction's first write each see the newest committed data (as under
    PostgreSQL's READ COMMITTED), and the first write (or savepoint) begins the transaction
    with BEGIN IMMEDIATE, which waits its turn for the write lock. From there to the commit,
    the transaction is serialised: keep that span short, as jobs do by writing at their end.
    """

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # no implicit BEGIN: the hook below emits it
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_SECONDS * 1000}")
        # Deleted rows (a purged draft, a released pool entry) are overwritten, not left in
        # free pages where a copy of the file would still hold them.
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.close()

    @event.listens_for(engine, "before_cursor_execute")
    def begin_at_first_write(
        _connection: Any,
        cursor: Any,
        statement: str,
        _parameters: Any,
        context: Any,
        _executemany: bool,
    ) -> None:
        if not cursor.connection.in_transaction and _writes(statement, context):
            cursor.connection.execute("BEGIN IMMEDIATE")


#: Statements that only read, and PRAGMAs (some of which must run outside a transaction).
_READING_VERBS = frozenset({"SELECT", "PRAGMA", "EXPLAIN"})


def _writes(statement: str, context: Any) -> bool:
    """Whether a statement needs the write lock: anything but a read, and a savepoint too."""
    words = statement.split(maxsplit=1)
    verb = words[0].upper() if words else ""
    if verb == "WITH":  # a common table expression ahead of a SELECT or of a write
        compiled = getattr(context, "compiled", None)
        if compiled is None or getattr(compiled, "isplaintext", True):
            return True
        return bool(context.isinsert or context.isupdate or context.isdelete)
    return verb not in _READING_VERBS


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


def take_write_lock(session: Session) -> None:
    """On SQLite, make a saving request's first statement a write, as BEGIN IMMEDIATE would.

    A request that reads first and writes later fails at once with "database is locked" when
    another request wrote in between (WAL snapshot); one that starts by writing waits its turn
    (busy_timeout) instead. PostgreSQL needs nothing: its row locks and savepoints suffice.
    """
    if session.get_bind().dialect.name == "sqlite":
        session.execute(text("UPDATE response SET status = status WHERE 1 = 0"))


def get_database(app: Flask | None = None) -> Database:
    return (app or current_app).extensions[EXTENSION_KEY]


def db_session() -> Session:
    """The session of the current request, opened on first use."""
    if "db_session" not in g:
        g.db_session = get_database().sessionmaker()
    return g.db_session


def try_again_later(error: OperationalError) -> Response:
    """503 with Retry-After: the database is down, restarting, or lost the connection.

    The client keeps the call (the tablet's outbox) and sends it again. Every respondent write
    is idempotent, so a retry after a commit that did land stores nothing twice.
    """
    reason = (str(error.orig).strip().splitlines() or [""])[0][:200]  # never the statement
    log.warning(
        "database unavailable on %s: %s %s", request.endpoint, type(error.orig).__name__, reason
    )
    # The words of a 500 page: what was sent is kept, try again (already in every catalog).
    message = _("Noe gikk galt hos oss. Svarene som er sendt, er tatt vare på. Prøv igjen.")
    wants_json = request.accept_mimetypes.best == "application/json"
    if request.path.startswith("/api/") or request.is_json or wants_json:
        response = jsonify({"code": 503, "status": "error", "message": message})
    else:
        try:
            page = render_template("errors/error.html", status=503, message=message)
        except OperationalError:  # the page asks for the signed-in user, from the database
            page = message
        response = Response(page, mimetype="text/html")
    response.status_code = 503
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def init_app(app: Flask) -> None:
    app.extensions[EXTENSION_KEY] = Database(
        make_engine(app.config["DATABASE_URL"], echo=app.config["DATABASE_ECHO"])
    )
    app.url_map.converters["int"] = RowIdConverter  # before the app factory adds any route

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
        except OperationalError as error:  # the commit may or may not have landed
            unavailable = try_again_later(error)
            for name, value in response.headers.items():
                if name.lower() not in {"content-type", "content-length"}:
                    unavailable.headers.setdefault(name, value)
            return unavailable
        finally:
            session.close()
        return response

    app.register_error_handler(OperationalError, try_again_later)

    @app.teardown_request
    def roll_back_failed_request(_exc: BaseException | None) -> None:
        session: Session | None = g.pop("db_session", None)
        if session is not None:
            session.rollback()
            session.close()
