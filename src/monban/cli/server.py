"""serve, migrate, sweep."""

from __future__ import annotations

import asyncio

import typer

from monban.cli.commands import app
from monban.cli.running import run
from monban.config import Settings
from monban.runtime import Runtime, build_runtime


# serve / migrate -------------------------------------------------------------------------
@app.command()
def serve(host: str = typer.Option(None, help="Default: MONBAN_HOST or 127.0.0.1"),
          port: int = typer.Option(None, help="Default: MONBAN_PORT or 8000"),
          workers: int = typer.Option(1, help="Worker processes")) -> None:
    """Run the server (SQLite in MONBAN_DATA_DIR unless MONBAN_DATABASE_URL is set)."""
    import uvicorn

    settings = Settings()
    runtime = build_runtime(settings)  # migrates before the workers start
    try:
        first_start = asyncio.run(_no_accounts(runtime))
    finally:
        runtime.close()
    host = host or settings.host
    port = port or settings.port
    typer.echo(f"Monban on http://{host}:{port}/  (data: {settings.data_dir.resolve()})")
    if first_start:
        typer.echo("No accounts yet. Create the first administrator with:\n"
                   "  monban user create --email you@example.com --name 'Your Name' "
                   "--superadmin\n"
                   "then sign in at /signin. Organisations: monban org create --help")
    uvicorn.run("monban.app:create_app", factory=True, host=host, port=port, workers=workers,
                log_level="info", proxy_headers=False, server_header=False)


async def _no_accounts(runtime: Runtime) -> bool:
    from monban.store.accounts import count

    return await runtime.db.run(count, write=False) == 0


@app.command()
def migrate() -> None:
    """Bring the database to the newest schema (serve does this too)."""
    runtime = build_runtime(Settings())
    runtime.close()
    typer.echo("database is up to date")


@app.command()
def sweep() -> None:
    """Delete expired flows, long-ended sessions and stale counters (serve does this too)."""
    from monban.housekeeping import sweep as run_sweep

    typer.echo(str(run(run_sweep)))
