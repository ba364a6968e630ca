"""Alembic environment: runs on a connection given by the caller, or on sqlalchemy.url.

On SQLite, batch mode changes a table by copying it and dropping the old one; with foreign
keys enforced, that drop deletes every row that points at the table (ON DELETE CASCADE): a
new column on `school` would empty classes, codes and answers. So migrations run with foreign
keys off, and `PRAGMA foreign_key_check` must find nothing afterwards, or the command fails
(as Alembic's documentation on batch mode advises).
"""

from alembic import context

from survey.db import make_engine
from survey.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_on(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


given = config.attributes.get("connection")
if given is not None:
    run_migrations_on(given)
else:
    engine = make_engine(config.get_main_option("sqlalchemy.url"))
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:  # outside any transaction, or SQLite ignores it
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        run_migrations_on(connection)
        if sqlite and (broken := connection.exec_driver_sql("PRAGMA foreign_key_check").all()):
            connection.rollback()
            raise RuntimeError(f"the migration left rows pointing nowhere: {broken[:5]}")
        connection.commit()
    engine.dispose()
