"""What every `trivsel` command shares: an app whose database connections close at the end."""

from __future__ import annotations

import click
from flask import Flask

from survey.app import create_app
from survey.config import ConfigError
from survey.db import get_database


def command_app() -> Flask:
    """The app for one command; its engine is disposed of when the command ends.

    A configuration that cannot be used stops the command with its message, not a traceback.
    """
    try:
        app = create_app()
    except ConfigError as error:
        raise click.ClickException(str(error)) from None
    context = click.get_current_context(silent=True)
    if context is not None:
        context.call_on_close(get_database(app).engine.dispose)
    return app
