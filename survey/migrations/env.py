"""Alembic environment: runs on a connection given by the caller, or on sqlalchemy.url."""

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
        run_migrations_on(connection)
        connection.commit()
    engine.dispose()
