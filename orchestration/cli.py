"""`tsw`: the command line of tiktok-shop-warehouse.

    tsw build              materialize every asset (load, validate, dbt build, publish)
    tsw serve              start the Streamlit reports
    tsw sql "select …"     read-only query on the last published build
    tsw status             what is loaded, when, and which checks fail
    tsw demo               write the demo seller's exports into the inbox
    tsw ingest PATH…       load export files now
    tsw rebuild            rebuild the warehouse from the archive (the source of truth)
    tsw dagster            start `dagster dev` on the project's instance
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import click

from orchestration import settings


def _env_for_children() -> dict[str, str]:
    return settings.subprocess_env()


@click.group()
def main() -> None:
    """tiktok-shop-warehouse: cited market figures, category economics and channel spillover."""
    os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")


@main.command()
@click.option("--verbose", "-v", is_flag=True, help="Show the full log (Dagster, dbt, checks) live instead of the progress display.")
@click.option("--full-refresh", is_flag=True,
              help="Rebuild every incremental dbt model from all loaded rows (done by itself when the code, "
                   "seeds or settings changed).")
def build(verbose: bool, full_refresh: bool) -> None:
    """Materialize every asset into $TSW_HOME/warehouse.duckdb and publish it for readers.

    Shows one progress display (stages, files, rows, elapsed) and a short summary; the full log goes to
    $TSW_HOME/logs/build-<time>.log.
    """
    if _many_shops():
        _build_every_shop(["build", *(["--verbose"] if verbose else []), *(["--full-refresh"] if full_refresh else [])])
        return
    import time
    import uuid

    from orchestration.lib import build_display as bd
    from orchestration.lib.build_progress import ProgressPoller
    from orchestration.lib.build_summary import summary_lines
    from orchestration.lib.build_view import BuildView

    started = time.time()
    log_path = bd.new_log_path("build")
    terminal = bd.terminal_stream()
    view = BuildView(terminal, live=not verbose)
    view.line(f"Building the warehouse in {settings.tsw_home()}")
    from orchestration.lib import seller_settings

    try:
        seller = seller_settings.load()
    except seller_settings.SellerSettingsError as exc:
        raise click.ClickException(f"The build did not start. {exc}") from exc
    if seller.time_zone != seller_settings.DEFAULT_TIME_ZONE:
        view.line(f"Days and months in {seller.time_zone} (settings.toml)")
    view.line(f"Full log: {log_path}{'' if verbose else ' (tsw build --verbose shows it live)'}")
    from orchestration.lib.recovery import recover  # a killed earlier build must not block this one

    if cleaned := recover(say=None).message():
        view.line(cleaned)
    run_id = str(uuid.uuid4())
    poller = None
    result = None
    try:
        with bd.OutputCapture(log_path, echo=terminal if verbose else None), view:
            poller = ProgressPoller(run_id, view)
            poller.start()
            try:
                from orchestration.build import run_full_build

                result = run_full_build(run_id=run_id, full_refresh=full_refresh)
            finally:
                poller.stop()
    except BaseException:
        view.line(f"Build stopped. Full log: {log_path}")
        raise
    for line in summary_lines(result, poller.tracker, log_path, time.time() - started):
        view.line(line)
    terminal.flush()
    if not result.success:
        raise SystemExit(1)


def _many_shops() -> bool:
    """A command on the root of a home with shop folders (inbox/<shop>/) runs once per shop."""
    return settings.shop() is None and not os.environ.get("TSW_SINGLE_SHOP") and bool(settings.shops())


def _build_every_shop(args: list[str]) -> None:
    """One run per shop (each on its own home, so one shop's bad file or failed build never stops another's),
    then every shop's last published snapshot unioned into all_shops.duckdb (orchestration/lib/shops.py)."""
    from orchestration.lib import shops

    names = shops.home_shops()
    click.echo(f"{len(names)} shops in {settings.root_home()}: {', '.join(names)}")
    runs = shops.run_each_shop(args, names, say=click.echo)
    result = shops.publish_all_shops(names)
    result.runs = runs
    for line in result.lines():
        click.echo(line)
    if not result.success:
        raise SystemExit(1)


@main.command()
@click.option("--port", default=8501, show_default=True)
@click.option("--host", default="localhost", show_default=True)
def serve(port: int, host: str) -> None:
    """Start the Streamlit app on the last published build."""
    app = settings.REPO_ROOT / "streamlit_app" / "app.py"
    cmd = [sys.executable, "-m", "streamlit", "run", str(app), "--server.port", str(port),
           "--server.address", host, "--server.headless", "true", "--browser.gatherUsageStats", "false"]
    raise SystemExit(subprocess.call(cmd, cwd=settings.REPO_ROOT, env=_env_for_children()))


@main.command()
@click.argument("query")
@click.option("--max-rows", default=1000, show_default=True, help="Rows shown at most.")
@click.option("--timeout", default=30.0, show_default=True, help="Seconds before the query is cancelled.")
@click.option("--csv", "as_csv", is_flag=True, help="Print CSV (header row, plain numbers) instead of a table.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array of row objects instead of a table.")
def sql(query: str, max_rows: int, timeout: float, as_csv: bool, as_json: bool) -> None:
    """Run a read-only QUERY on the last published build and print a table (or --csv / --json).

    Numbers print as plain decimals in their column's type (no scientific notation).
    """
    from orchestration.lib import sql_output
    from orchestration.lib.sql_sandbox import QueryRefused, run_query

    if as_csv and as_json:
        raise click.UsageError("Choose one of --csv and --json.")
    if not settings.published_path().exists():
        raise click.ClickException(
            f"No build has been published yet in {settings.describe_home()}: run `tsw build` first.")
    try:
        result = run_query(query, max_rows=max_rows, timeout_s=timeout)
    except QueryRefused as exc:
        raise click.ClickException(str(exc)) from exc
    if as_csv:
        click.echo(sql_output.to_csv(result), nl=False)
    elif as_json:
        click.echo(sql_output.to_json(result))
    else:
        click.echo(sql_output.to_table(result))
    if result.truncated:
        click.echo(f"(showing the first {max_rows} rows) --max-rows shows more", err=as_csv or as_json)


@main.command()
def status() -> None:
    """What is loaded, when, and which checks fail."""
    from orchestration.status import collect_status

    for line in collect_status().lines():
        click.echo(line)


@main.command()
@click.option("--seed", default=7, show_default=True)
@click.option("--days", default=400, show_default=True)
@click.option("--scale", type=int, default=None, help="Benchmarks: the whole seller at about N TikTok order lines (every kind, streamed).")
@click.option("--out", type=click.Path(path_type=Path), default=None, help="Folder (default: the inbox).")
@click.option("--shops", type=click.IntRange(1, 99), default=None,
              help="Several shops: N demo sellers (seeds SEED, SEED+1, …), each in inbox/shop-<i>/ with its own "
                   "catalogue; `tsw build` then builds each and publishes all of them together.")
def demo(seed: int, days: int, scale: int | None, out: Path | None, shops: int | None) -> None:
    """Write the demo seller's exports (all twelve kinds) into the inbox."""
    if shops is not None:
        if out is not None or settings.shop() is not None:
            raise click.ClickException("--shops writes into this home's inbox/<shop>/ folders: without --out or TSW_SHOP")
        for i in range(shops):
            os.environ["TSW_SHOP"] = f"shop-{i + 1}"
            try:
                _write_demo(seed + i, days, scale, None)
            finally:
                os.environ.pop("TSW_SHOP", None)
        return
    _write_demo(seed, days, scale, out)


def _write_demo(seed: int, days: int, scale: int | None, out: Path | None) -> None:
    from tsw_demo import catalogue as demo_catalogue
    from tsw_demo.generate import generate_demo, summary

    target = out or settings.inbox_dir()
    manifest = generate_demo(target, seed=seed, days=days, scale=scale, truth_dir=settings.demo_truth_dir())
    click.echo(f"Demo seller written to {target}")
    click.echo(summary(manifest))
    # The demo seller's catalogue goes into its home like any seller's; an existing one is never overwritten.
    if out is None:
        products = settings.catalogue_dir() / "products.csv"
        if products.exists():
            click.echo(f"Catalogue kept as it is: {settings.catalogue_dir()}")
        else:
            demo_catalogue.write(settings.catalogue_dir(), seed=seed)
            click.echo(f"Demo catalogue written to {settings.catalogue_dir()}")


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--period", default=None, help="Period of an Amazon Business Report: YYYY-MM-DD..YYYY-MM-DD.")
@click.option("--wait", "wait_s", default=1800.0, show_default=True,
              help="Seconds to wait for a running build to release the warehouse.")
def ingest(paths: tuple[Path, ...], period: str | None, wait_s: float) -> None:
    """Load export files now (default: everything in the inbox)."""
    from orchestration.lib import cli_words, ingest_precheck

    # Before Dagster: files that are all already loaded need neither the warehouse nor its writer slot.
    found = ingest_precheck.all_already_loaded(list(paths))
    if found is not None:
        ingest_precheck.file_away_copies(found)
        say = cli_words.say
        if not found:
            click.echo(say("cli.ingest.inbox_empty", inbox=settings.inbox_dir()))
            return
        for hit in found:
            click.echo(say("cli.ingest.already_loaded_file", file=hit.path.name, original=hit.original_name,
                           when=hit.loaded_at[:16].replace("T", " ") or "?"))
        click.echo(say("cli.ingest.nothing_new", n=len(found)))
        if any(hit.in_inbox for hit in found):
            click.echo(say("cli.ingest.inbox_copies_removed"))
        return

    from orchestration.lib.recovery import WriterBusy, writer_slot

    # The one warehouse_writer slot, like every build step: waits for a running build instead of breaking it.
    try:
        with writer_slot("tsw ingest", wait_s=wait_s):
            _ingest(paths, period)
    except WriterBusy as exc:
        raise click.ClickException(str(exc)) from exc


def _ingest(paths: tuple[Path, ...], period: str | None) -> None:
    from tqdm import tqdm

    from orchestration.ingest import ingest_inbox, ingest_paths

    parsed_period = None
    if period:
        start, _, end = period.partition("..")
        parsed_period = (start, end or start)
    with tqdm(unit="rows", desc="ingest", disable=not sys.stderr.isatty()) as bar:
        def progress(n: int) -> None:
            bar.update(n)
        for folder in (p for p in paths if p.is_dir() and not p.is_symlink()):
            n = sum(1 for f in folder.iterdir() if f.is_file() and not f.is_symlink())
            click.echo(f"{folder} is a folder: loading the {n} file(s) directly inside it (sub-folders are not read)")
        if paths:
            results = ingest_paths(list(paths), period=parsed_period, progress=progress)
        else:
            results = ingest_inbox(progress=progress)
    failed = False
    for r in results:
        click.echo(f"{r.status:>16}  {r.kind or '?':<26} read={r.rows_read} loaded={r.rows_loaded} "
                   f"quarantined={r.rows_quarantined}  {Path(str(r.file)).name}  {r.message or ''}")
        failed |= r.status.startswith("quarantined")
    if failed:
        raise SystemExit(2)


@main.command()
def catalogue() -> None:
    """Write or refresh $TSW_HOME/catalogue/products.csv (+ .xlsx): every product the last build found,
    with empty cost columns to fill; every value you already wrote is kept."""
    from orchestration.lib import catalogue as cat
    from orchestration.quality.violations import ValidationFailed

    discovered = cat.discovered_products()
    if discovered is None:
        click.echo(f"No published build in {settings.tsw_home()} yet: the file lists only the products you "
                   "declared. Run `tsw build` after dropping your exports in the inbox, then `tsw catalogue` again.")
    frame, added = cat.refreshed_products(discovered)
    try:
        path = cat.save_products(frame)
    except ValidationFailed as exc:
        raise click.ClickException(f"The catalogue was not written, a value breaks a rule:\n{exc}") from exc
    missing = cat.lacking_costs(frame)
    click.echo(f"{path} (and {path.with_suffix('.xlsx').name}): {len(frame)} products, {added} new.")
    if missing:
        click.echo(f"{missing} products lack a unit cost (unit_cogs_usd): their margins read 'cost missing' until "
                   "you fill them in, then run `tsw build`.")
    else:
        click.echo("Every product has a unit cost.")


@main.command()
def rebuild() -> None:
    """Rebuild the warehouse from $TSW_HOME/archive (with the catalogue and seeds/): same marts, row for row."""
    if _many_shops():
        _build_every_shop(["rebuild"])
        return
    from orchestration.build import run_full_build
    from orchestration.ingest.archive import reload_archive

    reloaded = reload_archive()
    for line in reloaded.lines():
        click.echo(line)
    result = run_full_build()
    for line in result.summary_lines():
        click.echo(line)
    if not result.success or reloaded.damaged:
        raise SystemExit(1)


@main.command(name="dagster")
@click.option("--port", default=3000, show_default=True)
@click.option("--automation/--no-automation", default=None,
              help="Turn the daily build schedule and the sensors on once the UI is up (default: the first "
                   "time in this home only, so a choice made later in the UI's Automation tab stands).")
def dagster_dev(port: int, automation: bool | None) -> None:
    """Start `dagster dev` (webserver + daemon) on the project's persistent instance.

    Ctrl-C or SIGTERM stops it with all its children (webserver, daemon, code server).
    """
    import signal
    import threading

    from orchestration.lib import dagster_automation
    from orchestration.lib.dagster_instance import prepare_dagster_home

    home = prepare_dagster_home()
    env = _env_for_children()
    cmd = [sys.executable, "-m", "dagster", "dev", "-m", "orchestration.definitions", "-p", str(port)]
    # Its own process group, so stopping it reaches every child it starts.
    proc = subprocess.Popen(cmd, cwd=settings.REPO_ROOT, env=env, start_new_session=True)

    class _Stop(Exception):
        pass

    def _on_signal(signum, _frame):
        raise _Stop(signum)

    previous = {sig: signal.signal(sig, _on_signal) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
    if dagster_automation.wanted(home, automation):
        threading.Thread(target=dagster_automation.turn_on, args=(f"http://127.0.0.1:{port}", home, proc),
                         name="automation", daemon=True).start()
    code = 0
    try:
        code = proc.wait()
    except _Stop as stop:
        click.echo("Stopping dagster dev (webserver, daemon, code server)…", err=True)
        code = 128 + int(stop.args[0])
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        dagster_automation.stop_group(proc)
    raise SystemExit(code)


if __name__ == "__main__":
    main()
