"""The config file: defaults, the example round trip, one message per wrong key, secrets, clock."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from tradejournal.cli.main import cli
from tradejournal.producers.config import (
    Config,
    ConfigError,
    SecretMissingError,
    ServerClock,
    example_toml,
    load_config,
    parse_config,
    reference_markdown,
    resolve_secret,
)

UTC = dt.UTC


def _problems(text: str) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        parse_config(text)
    return caught.value.problems


def test_an_empty_file_is_the_default_paper_config_with_paths_from_its_folder(
    tmp_path: Path,
) -> None:
    (tmp_path / "empty.toml").write_text("")
    config = load_config(tmp_path / "empty.toml")
    assert config.mt5.backend == "paper"
    assert config.journal.path == str(tmp_path / "journal")
    assert config.export.dir == str(tmp_path / "exports")
    assert config.logging.dir == ""  # empty stays empty: "logs/ inside the journal"
    assert config.telegram.base_url == "https://api.telegram.org/bot"


def test_the_example_loads_cleanly_and_lists_every_key_with_its_default() -> None:
    text = example_toml()
    assert parse_config(text) == Config()
    for section in Config.__struct_fields__:
        assert f"[{section}]" in text
        for key in getattr(Config(), section).__struct_fields__:
            assert f"\n{key} = " in text or f"[{section}.{key}." in text, f"{section}.{key}"
    assert '[openai.prices."gpt-4.1"]\ninput = 2.0\ncached_input = 0.5\noutput = 8.0' in text


def test_every_wrong_key_gets_its_own_message_with_path_value_and_expectation() -> None:
    problems = _problems(
        """
        [mt5]
        backend = "paper-trading"
        pol_interval_s = 2
        server_utc_offset_h = 15
        login = "51234567"
        [scanner]
        timeframes = ["H1", "H5"]
        rsi_period = 1
        symbols = ["EURUSD", 3]
        [telegram]
        allowed_users = [12345, "alice"]
        [exports]
        dir = "x"
        """
    )
    assert problems == [
        'mt5.backend = "paper-trading": expected one of metatrader5, mt5linux, paper'
        " (did you mean paper?)",
        "mt5.pol_interval_s: unknown key; did you mean mt5.poll_interval_s?",
        "mt5.server_utc_offset_h = 15: expected a number <= 14",
        'mt5.login = "51234567": expected an integer, found a string',
        'scanner.timeframes[1] = "H5": expected one of M1, M2, M3, M4, M5, M6, M10, M12, M15,'
        " M20, M30, H1, H2, H3, H4, H6, H8, H12, D1, W1, MN1 (did you mean M5?)",
        "scanner.rsi_period = 1: expected an integer >= 2",
        "scanner.symbols[1] = 3: expected a string, found an integer",
        'telegram.allowed_users[1] = "alice": expected an integer, found a string',
        "exports: unknown section; did you mean export?",
    ]


def test_cross_key_rules_are_reported_with_the_other_key() -> None:
    problems = _problems(
        """
        [scanner]
        rsi_oversold = 75
        [export]
        time = "24:10"
        tz = "Mars/Olympus"
        [mt5]
        server_tz = "Europe/Atlantis"
        [paper]
        feed = "csv"
        [openai]
        model = "my-local-llama"
        """
    )
    assert problems == [  # in the file's order
        "scanner.rsi_oversold = 75.0: must be below scanner.rsi_overbought (70.0)",
        "export.tz = \"Mars/Olympus\": 'Mars/Olympus' is not an IANA time zone"
        " (e.g. Europe/Athens, Etc/GMT-2)",
        "export.time = \"24:10\": '24:10' is not a 24-hour time HH:MM (e.g. 23:55)",
        "mt5.server_tz = \"Europe/Atlantis\": 'Europe/Atlantis' is not an IANA time zone"
        " (e.g. Europe/Athens, Etc/GMT-2)",
        'paper.csv_path = "": feed = "csv" needs csv_path (a file of OHLC bars)',
        "openai.model = \"my-local-llama\": 'my-local-llama' has no"
        " [openai.prices.my-local-llama] table (priced: gpt-4.1, gpt-4.1-mini, gpt-4o,"
        " gpt-4o-mini)",
    ]


def test_prices_are_per_model_tables_and_a_missing_price_is_named() -> None:
    config = parse_config(
        """
        [openai]
        model = "local"
        [openai.prices.local]
        input = 0.5
        output = 1.5
        """
    )
    assert config.openai.prices["local"].output == 1.5
    assert config.openai.prices["local"].cached_input == 0.0
    assert _problems("[openai.prices.local]\ninput = 0.5\nouput = 1\n") == [
        "openai.prices.local.ouput: unknown key; did you mean openai.prices.local.output?",
        "openai.prices.local: missing key 'output'",
    ]
    assert _problems("[openai.prices.local]\ninput = 0.5\n") == [
        "openai.prices.local: missing key 'output'",
    ]


def test_a_section_that_is_not_a_table_and_invalid_toml_are_reported() -> None:
    assert _problems('mt5 = "paper"') == ['mt5 = "paper": expected a table ([mt5]), found a string']
    (problem,) = _problems("[mt5\nbackend = 1")
    assert problem.startswith("not valid TOML: ")


def test_a_missing_file_says_how_to_make_one(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path / "nope.toml")
    assert str(caught.value) == (
        f"config {tmp_path / 'nope.toml'}: no such file; write an example with "
        f"`tradejournal init --config {tmp_path / 'nope.toml'}`"
    )


@pytest.mark.parametrize(
    ("section", "key", "use"),
    [
        ("mt5", "password", "mt5.password_env"),
        ("telegram", "token", "telegram.token_env"),
        ("openai", "api_key", "openai.api_key_env"),
        ("paper", "secret", None),
    ],
)
def test_a_literal_secret_is_refused_and_never_echoed(
    section: str, key: str, use: str | None
) -> None:
    (problem,) = _problems(f'[{section}]\n{key} = "hunter2-s3cr3t"\n')
    assert "hunter2-s3cr3t" not in problem
    assert problem.startswith(f"{section}.{key}: secrets are not read from the config file")
    if use:
        assert problem.endswith(f"name that variable with {use}")


def test_secrets_resolve_from_the_environment_at_use_time_and_stay_out_of_repr() -> None:
    config = parse_config('[telegram]\ntoken_env = "MY_BOT_TOKEN"\n')
    env = {"MY_BOT_TOKEN": "123:secret-token", "OPENAI_API_KEY": "sk-test-secret"}
    assert config.telegram.token(env) == "123:secret-token"
    assert config.openai.api_key(env) == "sk-test-secret"
    assert "secret" not in repr(config)
    with pytest.raises(SecretMissingError) as caught:
        config.mt5.password(env)
    assert caught.value.problems == [
        "mt5.password_env = 'MT5_PASSWORD', but the environment variable MT5_PASSWORD is not"
        " set: export MT5_PASSWORD=... before starting (or point mt5.password_env at another"
        " variable)"
    ]
    with pytest.raises(SecretMissingError, match="MY_BOT_TOKEN is empty"):
        resolve_secret("MY_BOT_TOKEN", "telegram.token_env", {"MY_BOT_TOKEN": " "})


def _wall(year: int, month: int, day: int, hour: int, minute: int = 0) -> int:
    # the epoch number MT5 writes for a server wall-clock time
    return int(dt.datetime(year, month, day, hour, minute, tzinfo=UTC).timestamp())


def test_server_clock_follows_the_brokers_dst_change() -> None:
    # Europe/Athens: UTC+2 until 2026-03-29 01:00 UTC, then UTC+3
    athens = parse_config('[mt5]\nserver_tz = "Europe/Athens"\n').mt5.clock()
    winter = _wall(2026, 3, 28, 12)
    summer = _wall(2026, 3, 30, 12)
    assert athens.to_utc(winter) == dt.datetime(2026, 3, 28, 10, tzinfo=UTC)
    assert athens.to_utc(summer) == dt.datetime(2026, 3, 30, 9, tzinfo=UTC)
    assert athens.to_utc_msc(summer * 1000 + 250) == dt.datetime(
        2026, 3, 30, 9, 0, 0, 250_000, tzinfo=UTC
    )
    instant = dt.datetime(2026, 7, 1, 8, 30, tzinfo=UTC)
    assert athens.from_utc(instant) == _wall(2026, 7, 1, 11, 30)
    assert athens.offset_at(instant) == dt.timedelta(hours=3)
    assert ServerClock(offset_h=2).to_utc(summer) == dt.datetime(2026, 3, 30, 10, tzinfo=UTC)
    with pytest.raises(ValueError, match="within -14..14"):
        ServerClock(offset_h=-15)


def test_init_config_writes_the_example_once(tmp_path: Path) -> None:
    runner = CliRunner()
    target = tmp_path / "conf" / "tj.toml"
    target.parent.mkdir()
    journal = tmp_path / "data" / "journal"
    result = runner.invoke(cli, ["--journal", str(journal), "init", "--config", str(target)])
    assert result.exit_code == 0, result.output
    assert result.output == f"wrote example config to {target}: edit it, then run with --config {target}\n"  # fmt: skip
    config = load_config(target)
    assert Path(config.journal.path).resolve() == journal.resolve()
    assert not journal.exists()  # --config writes the file only
    again = runner.invoke(cli, ["init", "--config", str(target)])
    assert again.exit_code == 1
    assert again.output == f"Error: {target} already exists: not overwritten\n"


def test_the_key_reference_in_the_docs_is_current() -> None:
    doc = Path(__file__).resolve().parents[2] / "docs" / "configuration.md"
    text = doc.read_text(encoding="utf-8")
    begin = text.index("<!-- BEGIN GENERATED: keys")
    begin = text.index("\n", begin) + 1
    end = text.index("<!-- END GENERATED: keys -->")
    new = text[:begin] + reference_markdown() + text[end:]
    if os.environ.get("UPDATE_GOLDEN"):
        doc.write_text(new, encoding="utf-8")
        return
    assert new == text, "docs/configuration.md is stale: run UPDATE_GOLDEN=1 on this test"
    for section in Config.__struct_fields__:
        for key in getattr(Config(), section).__struct_fields__:
            assert f"`{section}.{key}`" in text


def test_the_validation_example_in_the_docs_gives_the_messages_shown(tmp_path: Path) -> None:
    doc = (Path(__file__).resolve().parents[2] / "docs" / "configuration.md").read_text()
    toml_block = doc.split("```toml\n", 1)[1].split("```", 1)[0]
    shown = doc.split("```\nconfig tradejournal.toml", 1)[1].split("```", 1)[0]
    (tmp_path / "tradejournal.toml").write_text(toml_block)
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path / "tradejournal.toml")
    message = str(caught.value).replace(str(tmp_path / "tradejournal.toml"), "tradejournal.toml")
    assert message + "\n" == "config tradejournal.toml" + shown


ALL_KEYS = [
    (section, key)
    for section in Config.__struct_fields__
    for key in getattr(Config(), section).__struct_fields__
]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from(ALL_KEYS), min_size=1, max_size=25, unique=True))
def test_every_wrong_key_is_reported_however_many_there_are(
    wrong: list[tuple[str, str]],
) -> None:
    # an inline table is the wrong type for every key: one message each, none hidden by another
    lines: dict[str, list[str]] = {}
    for section, key in wrong:
        lines.setdefault(section, []).append(f"{key} = {{ x = 1 }}")
    text = "\n".join(f"[{s}]\n" + "\n".join(keys) for s, keys in lines.items())
    problems = _problems(text)
    assert len(problems) == len(wrong)
    assert sorted(p.split(" ", 1)[0].split("[", 1)[0] for p in problems) == sorted(
        f"{s}.{k}" + ("." + "x" if k == "prices" else "") for s, k in wrong
    )


def test_patterns_and_unknown_names_are_explained_in_words() -> None:
    assert _problems('foo = 1\n[paper]\ncurrency = "usd"\n[telegram]\nbase_url = "ftp://x"\n') == [
        "foo: unknown section (known in the file: journal, mt5, mt5linux, paper, oco, trailing,"
        " scanner, alerts, telegram, openai, recommendations, export, logging)",
        'paper.currency = "usd": expected three capital letters (e.g. USD)',
        'telegram.base_url = "ftp://x": expected an http:// or https:// URL',
    ]
    assert _problems("[scanner]\ninterval_s = true\nbars = 300.5\n") == [
        "scanner.interval_s = true: expected a number, found true or false",
        "scanner.bars = 300.5: expected an integer, found a number",
    ]


def test_a_folder_of_the_zone_database_is_not_a_time_zone() -> None:
    # ZoneInfo("Europe") raises IsADirectoryError (an OSError), not ZoneInfoNotFoundError
    problems = _problems('[export]\ntz = "Europe"\n[mt5]\nserver_tz = "America"\n')

    assert problems == [
        "export.tz = \"Europe\": 'Europe' is not an IANA time zone (e.g. Europe/Athens, Etc/GMT-2)",
        "mt5.server_tz = \"America\": 'America' is not an IANA time zone"
        " (e.g. Europe/Athens, Etc/GMT-2)",
    ]
