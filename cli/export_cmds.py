"""``tradejournal export`` (snapshot, ``verify``, ``--ml``) and ``tradejournal restore``.

Thin click layers over ``tradejournal.projections.export``: the library does the work and the
tests call it directly; these commands parse options, show a progress bar and print the outcome.
"""

from __future__ import annotations

import datetime as dt
import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from .main import Settings

__all__ = ["export", "restore"]

EXPORT_DIR_ENV = "TRADEJOURNAL_EXPORT_DIR"


def plural(n: int, word: str) -> str:
    """Return ``1 file`` / ``2 files`` (main's helper; not imported: main imports this module)."""
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


@click.group("export", invoke_without_command=True)
@click.option("--to", "to_dir", type=click.Path(file_okay=False, path_type=Path),
              envvar=EXPORT_DIR_ENV, metavar="DIR",
              help=f"Folder of the snapshots (one sub-folder per date).  [default: ${EXPORT_DIR_ENV}]")  # fmt: skip
@click.option("--date", "day", type=click.DateTime(["%Y-%m-%d"]), metavar="YYYY-MM-DD",
              help="The snapshot's label.  [default: today (UTC, or --tz)]")  # fmt: skip
@click.option("--tz", metavar="ZONE", callback=lambda c, p, v: _zone(v),
              help="Time zone of the default date (IANA name).  [default: export.tz, else UTC]")  # fmt: skip
@click.option("--keep", type=click.IntRange(min=1), metavar="N",
              help="Then keep only the N newest snapshots of this journal in DIR.")  # fmt: skip
@click.option("--config", "config_file", type=click.Path(dir_okay=False, path_type=Path),
              metavar="FILE", help="Take DIR, --tz and --keep from the config's [export] section "
              "(and the journal from [journal] unless --journal is given).")  # fmt: skip
@click.option("--ml", "ml_file", type=click.Path(dir_okay=False, path_type=Path),
              metavar="FILE.parquet|FILE.csv",
              help="Instead: write recommendations with features and outcomes for training.")  # fmt: skip
@click.pass_context
def export(
    ctx: click.Context,
    to_dir: Path | None,
    day: dt.datetime | None,
    tz: str | None,
    keep: int | None,
    config_file: Path | None,
    ml_file: Path | None,
) -> None:
    """Export a snapshot of the whole journal to DIR/YYYY-MM-DD/ (or a training set with --ml).

    A snapshot holds one Parquet file (zstd) per projection table, the events as Parquet
    partitioned by journal and date, the JSONL segments up to its last seq (sealed segments
    hard-linked from the previous snapshot or the journal, not copied again) and manifest.json
    (tool version, journal id, seq range, rows per table, SHA-256 per file). It is written to a
    temporary folder and renamed into place. Re-running a date with no new events changes
    nothing (the manifest's created time stays); with new events, the date's snapshot is
    replaced. `tradejournal export verify DIR/DATE` checks one.

    Example:

    \b
        tradejournal export --to /srv/tj-snapshots --keep 30
        tradejournal export --config ~/trading/tradejournal.toml
        tradejournal export verify /srv/tj-snapshots/2026-11-30
        tradejournal export --ml recommendations.parquet
    """
    if ctx.invoked_subcommand is not None:
        return
    settings: Settings = ctx.obj
    journal = settings.journal
    if config_file is not None:
        cfg = _export_config(ctx, config_file)
        journal = cfg.get("journal", journal)
        to_dir = to_dir or cfg["dir"]
        tz = tz or cfg["tz"]
        keep = keep if keep is not None else cfg["keep"]
    if ml_file is not None:
        from tradejournal.projections.export import export_ml

        rows = export_ml(journal, ml_file)
        click.echo(f"wrote {plural(rows, 'recommendation')} to {ml_file}")
        return
    if to_dir is None:
        raise click.UsageError(
            f"where to? pass --to DIR or --config FILE (or set ${EXPORT_DIR_ENV})"
        )
    from tradejournal.projections.export import SnapshotError, export_snapshot

    from . import output

    labels = {"tables": "writing Parquet", "segments": "linking segments", "hash": "hashing"}
    try:
        with output.stage_progress(enabled=sys.stderr.isatty()) as bar:
            result = export_snapshot(
                journal, to_dir, day.date() if day else None, keep,
                lambda stage, done, total: bar(labels.get(stage, stage), done, total),
                tz=tz or "UTC",
            )  # fmt: skip
    except SnapshotError as exc:
        raise click.ClickException(str(exc)) from exc
    m = result.manifest
    what = "unchanged" if result.unchanged else "exported"
    click.echo(
        f"{what} {result.folder}: journal {m.journal_id}, seq {m.first_seq}..{m.last_seq}, "
        f"{plural(len(m.files), 'file')}, {m.tables.get('trades', 0)} trades "
        f"({result.seconds:.2f} s)"
    )
    for path in result.removed:
        click.echo(f"removed {path} (--keep {keep})")


def _zone(value: str | None) -> str | None:
    from .main import parse_zone  # not at the top: main imports this module

    return parse_zone(value)


def _export_config(ctx: click.Context, path: Path) -> dict[str, Any]:
    """The [export] settings (and [journal] path unless --journal was given) of a config file."""
    from tradejournal.producers.config import ConfigError, load_config

    try:
        config = load_config(path)
    except ConfigError as exc:
        raise click.BadParameter(str(exc), param_hint="'--config'") from exc
    out: dict[str, Any] = {
        "dir": Path(config.export.dir),
        "tz": config.export.tz,
        "keep": config.export.keep or None,  # 0: keep all
    }
    parent = ctx.parent
    if parent is None or parent.get_parameter_source("journal") in (
        click.core.ParameterSource.DEFAULT,
        None,
    ):
        out["journal"] = Path(config.journal.path)
    return out


@export.command("verify")
@click.argument("snapshot", type=click.Path(exists=True, file_okay=False, path_type=Path))
def verify_cmd(snapshot: Path) -> None:
    """Re-hash every file of a snapshot against its manifest.

    Prints `ok: ...` when every file matches; otherwise one `path: reason` line per missing,
    changed or unlisted file, and exits 1.

    Example:

    \b
        tradejournal export verify /srv/tj-snapshots/2026-11-30
    """
    from tradejournal.projections.export import SnapshotError, verify_snapshot

    try:
        manifest, problems = verify_snapshot(snapshot)
    except SnapshotError as exc:
        raise click.ClickException(str(exc)) from exc
    if problems:
        for problem in problems:
            click.echo(str(problem))
        raise click.ClickException(f"{plural(len(problems), 'file')} do not match the manifest")
    click.echo(
        f"ok: {plural(len(manifest.files), 'file')} match the manifest "
        f"(journal {manifest.journal_id}, seq {manifest.first_seq}..{manifest.last_seq})"
    )


@click.command()
@click.option("--from", "source", required=True, metavar="DIR/DATE",
              type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="The snapshot folder to restore.")  # fmt: skip
@click.option("--to", "target", required=True, metavar="NEW_JOURNAL",
              type=click.Path(path_type=Path), help="Where to create the journal (new or empty).")  # fmt: skip
@click.option("--new-id", is_flag=True,
              help="Give the restored journal a fresh id (a copy living beside the original).")  # fmt: skip
def restore(source: Path, target: Path, new_id: bool) -> None:
    """Rebuild a journal from a snapshot's segments, after checking their SHA-256.

    Nothing is written when a segment does not match the manifest (exit 1, naming each). The
    journal is assembled beside NEW_JOURNAL and renamed into place, then verified; its
    projections rebuild on first read.

    Example:

    \b
        tradejournal restore --from /srv/tj-snapshots/2026-11-30 --to journal-restored
        tradejournal --journal journal-restored verify
    """
    from tradejournal.projections.export import SnapshotError, restore_snapshot

    store_log = logging.getLogger("tradejournal.store")
    was, store_log.disabled = store_log.disabled, True  # "index rebuilt" is expected here
    try:
        result = restore_snapshot(source, target, fresh_id=new_id)
    except SnapshotError as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        store_log.disabled = was
    click.echo(
        f"restored {result.journal}: journal {result.journal_id}, "
        f"{plural(result.last_seq, 'event')} in {plural(result.segments, 'segment')}"
    )
