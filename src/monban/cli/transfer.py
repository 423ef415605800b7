"""export, import: moving an installation to another database (db/transfer.py)."""

from __future__ import annotations

from pathlib import Path

import typer
from sqlalchemy.exc import DBAPIError

from monban.cli.commands import app
from monban.config import Settings
from monban.db.transfer import TransferError, export, import_file
from monban.runtime import build_runtime


@app.command("export")
def export_command(
        file: Path = typer.Argument(..., help="Where to write (JSON Lines; .gz compresses)"),
) -> None:
    """Write every account, factor, session, setting and audit row to FILE (readable by its
    owner only: it holds password hashes and sealed secrets)."""
    runtime = build_runtime(Settings())
    try:
        counts = export(runtime.db, file, runtime.secret_key)
    except OSError as error:
        typer.echo(f"error: cannot write {file}: {error.strerror}", err=True)
        raise typer.Exit(2) from None
    finally:
        runtime.close()
    typer.echo(f"exported {counts} to {file}")


@app.command("import")
def import_command(
        file: Path = typer.Argument(..., exists=True, dir_okay=False, help="A monban export"),
        replace: bool = typer.Option(False, "--replace",
                                     help="Delete the rows this database already holds"),
) -> None:
    """Load FILE into this installation's database (MONBAN_DATABASE_URL), all or nothing.
    The database must be empty (or --replace) and use the source's secret key."""
    runtime = build_runtime(Settings())
    try:
        counts = import_file(runtime.db, file, runtime.secret_key, replace=replace)
    except TransferError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(2) from None
    except DBAPIError as error:  # a row the database refused: nothing was written
        typer.echo(f"error: the database refused a row, nothing was imported: "
                   f"{type(error.orig).__name__}", err=True)
        raise typer.Exit(2) from None
    finally:
        runtime.close()
    typer.echo(f"imported {counts}")
    if counts.collisions:
        typer.echo(f"{counts.collisions} accounts' identifiers normalise alike and were kept "
                   "as they are: see `monban user collisions`")
