"""Alembic environment, for `flask --app app db ...` and for core.db.bootstrap.upgrade_schema.

The in-process upgrade hands over its connection (already in a transaction holding the schema
lock) in `config.attributes["connection"]`; the Flask-Migrate commands take the same lock on
the app's engine here. Either way the models' metadata is core's, not Flask-SQLAlchemy's copy.
"""
import logging
import warnings
from logging.config import fileConfig

from alembic import context
from flask import current_app

from core.db.bootstrap import include_object, schema_transaction
from core.db.models import Base

config = context.config
if config.attributes.get("configure_logger", True) and config.config_file_name:
    fileConfig(config.config_file_name, disable_existing_loggers=False)  # a CLI run only
logger = logging.getLogger("alembic.env")


# SQLite cannot reflect the per-ledger expression indexes; include_object ignores them anyway.
warnings.filterwarnings("ignore", r"Skipped unsupported reflection of expression-based index (ix_e_|lx_|ux_)")


def skip_empty_revision(context, revision, directives):
    """`db migrate` with no change writes no empty script (Flask-Migrate's default behaviour)."""
    if getattr(config.cmd_opts, "autogenerate", False) and directives[0].upgrade_ops.is_empty():
        directives[:] = []
        logger.info("No changes in schema detected.")


def configure(dialect: str, **kwargs):
    context.configure(target_metadata=Base.metadata, include_object=include_object,
                      render_as_batch=dialect == "sqlite",  # SQLite alters a table by copying it
                      process_revision_directives=skip_empty_revision, **kwargs)


def run_migrations_online():
    connection = config.attributes.get("connection")
    if connection is not None:
        configure(connection.dialect.name, connection=connection)
        with context.begin_transaction():  # the caller's transaction: commits when it does
            context.run_migrations()
        return
    with schema_transaction(current_app.extensions["ledger_db"]) as connection:
        configure(connection.dialect.name, connection=connection)
        with context.begin_transaction():
            context.run_migrations()


def run_migrations_offline():
    """`db upgrade --sql`: print the SQL for the app's database kind instead of running it."""
    url = current_app.extensions["ledger_db"].engine.url
    configure(url.get_backend_name(), url=url, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
