"""``tradejournal bot --config FILE``: the Telegram bot and its jobs, until SIGINT/SIGTERM.

A thin layer over ``tradejournal.producers.telegram.serve``: load and validate the config (every
wrong key reported, exit 2), check the secrets' environment variables (exit 2), then run.
"""

from __future__ import annotations

from pathlib import Path

import click

__all__ = ["bot"]


@click.command("bot")
@click.option(
    "--config",
    "config_path",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The TOML config file (write an example with `tradejournal init --config FILE`).",
)
def bot(config_path: Path) -> None:
    """Run the Telegram bot with its jobs (MT5, scanner, nightly export) in one process.

    Every message, button press, model call, plan and signal is journaled to journal.path.
    The bot token and the API key are read from the environment variables that
    telegram.token_env and openai.api_key_env name; they are never logged or journaled.
    Stop it with Ctrl-C or SIGTERM: it journals bot.stopped and closes the journal.
    Set the secrets first: export TELEGRAM_BOT_TOKEN=... OPENAI_API_KEY=...

    Example:

    \b
        tradejournal bot --config tradejournal.toml
    """
    from tradejournal.producers.config import ConfigError, load_config
    from tradejournal.producers.telegram.serve import serve
    from tradejournal.producers.telegram.wiring import Mt5StartError

    try:
        config = load_config(config_path)
        serve(config)
    except ConfigError as exc:
        raise click.UsageError(str(exc)) from None
    except Mt5StartError as exc:
        raise click.ClickException(str(exc)) from None
