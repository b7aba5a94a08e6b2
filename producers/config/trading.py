"""The trading sections of the config file: ``[mt5]``, ``[mt5linux]``, ``[paper]``, ``[oco]``,
``[trailing]``, ``[scanner]`` and ``[alerts]``.

Each section is a frozen msgspec Struct whose field annotations carry the key's range and its
one-line meaning (``Meta.description``, also written into the example file); ``problems()``
returns the cross-key checks a single type cannot express. Secrets are never fields: only the
*name* of the environment variable that holds them (``*_env``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Literal, get_args
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from msgspec import Meta, Struct, field

from .secrets import resolve_secret
from .serverclock import ServerClock

__all__ = [
    "TIMEFRAME_NAMES",
    "AlertsSettings",
    "Mt5LinuxSettings",
    "Mt5Settings",
    "OcoSettings",
    "PaperSettings",
    "ScannerSettings",
    "Timeframe",
    "TrailingSettings",
]

Timeframe = Literal[
    "M1", "M2", "M3", "M4", "M5", "M6", "M10", "M12", "M15", "M20", "M30",
    "H1", "H2", "H3", "H4", "H6", "H8", "H12", "D1", "W1", "MN1",
]  # fmt: skip
TIMEFRAME_NAMES: tuple[str, ...] = get_args(Timeframe)
Backend = Literal["metatrader5", "mt5linux", "paper"]
Rule = Literal["rsi_reversal", "di_cross"]
OffsetH = Annotated[
    float, Meta(ge=-14, le=14, description="broker-server clock minus UTC, in hours (-14..14)")
]
Symbols = list[Annotated[str, Meta(min_length=1)]]


class _Section(Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    def problems(self) -> list[tuple[str, str]]:
        """Return (key, message) pairs for cross-key rules; the loader prefixes the section."""
        return []


class Mt5Settings(_Section, frozen=True, kw_only=True):
    """[mt5] — which terminal to talk to, the account, the poll loop and the broker clock."""

    backend: Annotated[Backend, Meta(description="metatrader5 (Windows), mt5linux (RPyC bridge to a Wine terminal) or paper (the built-in simulated broker)")] = "paper"  # fmt: skip
    account: Annotated[str, Meta(description="label of this account in the journal (empty: the MT5 login number)")] = ""  # fmt: skip
    login: Annotated[int, Meta(ge=0, description="MT5 account number to log in to (0: keep the terminal's current login)")] = 0  # fmt: skip
    server: Annotated[str, Meta(description="broker trade server, e.g. ICMarketsSC-Demo (empty: the terminal's current one)")] = ""  # fmt: skip
    password_env: Annotated[str, Meta(min_length=1, description="name of the environment variable holding the MT5 password (never put the password in this file)")] = "MT5_PASSWORD"  # fmt: skip
    terminal_path: Annotated[str, Meta(description="path of terminal64.exe for initialize() (empty: the installed terminal)")] = ""  # fmt: skip
    timeout_ms: Annotated[int, Meta(ge=1000, description="initialize()/login() timeout in milliseconds")] = 60_000  # fmt: skip
    server_utc_offset_h: OffsetH = 0.0
    server_tz: Annotated[str, Meta(description="IANA time zone of the broker server, e.g. Europe/Athens (UTC+2, +3 in summer); when set it wins over server_utc_offset_h and follows DST")] = ""  # fmt: skip
    poll_interval_s: Annotated[float, Meta(ge=0.1, le=3600, description="seconds between two polls of the terminal")] = 1.0  # fmt: skip
    snapshot_interval_s: Annotated[float, Meta(ge=1, description="seconds between two account.snapshot events (also one on every fill)")] = 60.0  # fmt: skip
    excursion_step_r: Annotated[float, Meta(gt=0, description="journal a new max favourable/adverse excursion when it grows by this many R")] = 0.25  # fmt: skip
    backfill_days: Annotated[int, Meta(ge=0, le=3650, description="on a first start (empty journal), import this many days of history")] = 30  # fmt: skip
    magic: Annotated[int, Meta(ge=0, description="magic number put on the orders this tool sends")] = 0  # fmt: skip
    deviation_points: Annotated[int, Meta(ge=0, description="maximum slippage accepted on market orders, in points")] = 20  # fmt: skip

    def problems(self) -> list[tuple[str, str]]:
        """Check that server_tz names a real time zone."""
        return _tz_problems("server_tz", self.server_tz)

    def password(self, environ: Mapping[str, str] | None = None) -> str:
        """Return the MT5 password from the environment variable ``password_env`` names."""
        return resolve_secret(self.password_env, "mt5.password_env", environ)

    def clock(self) -> ServerClock:
        """Return the broker-server clock (server time <-> UTC) these settings describe."""
        return ServerClock(self.server_utc_offset_h, self.server_tz or None)


class Mt5LinuxSettings(_Section, frozen=True, kw_only=True):
    """[mt5linux] — where the mt5linux RPyC server (python -m mt5linux under Wine) listens."""

    host: Annotated[str, Meta(min_length=1, description="host of the mt5linux server")] = "127.0.0.1"  # fmt: skip
    port: Annotated[int, Meta(ge=1, le=65535, description="port of the mt5linux server")] = 18812  # fmt: skip


class PaperSettings(_Section, frozen=True, kw_only=True):
    """[paper] — the simulated broker used when mt5.backend = "paper"."""

    seed: Annotated[int, Meta(description="random seed of the price feed (same seed, same prices)")] = 42  # fmt: skip
    login: Annotated[int, Meta(ge=1, description="account number the paper terminal reports")] = 5_000_001  # fmt: skip
    symbols: Annotated[Symbols, Meta(min_length=1, description="symbols the paper broker offers")] = field(default_factory=lambda: ["EURUSD", "GBPUSD", "USDJPY", "XAUUSD"])  # fmt: skip
    initial_balance: Annotated[float, Meta(gt=0, description="starting balance, in the account currency")] = 10_000.0  # fmt: skip
    currency: Annotated[str, Meta(pattern="^[A-Z]{3}$", description="account currency (three capital letters)")] = "USD"  # fmt: skip
    leverage: Annotated[int, Meta(ge=1, le=5000, description="account leverage (1:N)")] = 100  # fmt: skip
    account_mode: Annotated[Literal["hedging", "netting"], Meta(description="hedging (several positions per symbol) or netting (one position per symbol)")] = "hedging"  # fmt: skip
    commission_per_lot: Annotated[float, Meta(ge=0, description="commission charged per lot on every deal (entry and exit), in the account currency")] = 0.0  # fmt: skip
    feed: Annotated[Literal["random", "csv"], Meta(description="price feed: a seeded random walk, or a replay of OHLC bars from csv_path")] = "random"  # fmt: skip
    csv_path: Annotated[str, Meta(description="OHLC bars to replay when feed = \"csv\" (relative paths: from this file's folder)")] = ""  # fmt: skip
    tick_interval_s: Annotated[float, Meta(gt=0, description="simulated seconds between two quotes of the random walk")] = 1.0  # fmt: skip
    server_utc_offset_h: OffsetH = 2.0
    server_tz: Annotated[str, Meta(description="IANA time zone of the simulated server clock (wins over server_utc_offset_h)")] = ""  # fmt: skip

    def problems(self) -> list[tuple[str, str]]:
        """Check the CSV feed has a path and server_tz is a real time zone."""
        found = _tz_problems("server_tz", self.server_tz)
        if self.feed == "csv" and not self.csv_path:
            found.append(("csv_path", 'feed = "csv" needs csv_path (a file of OHLC bars)'))
        return found


class OcoSettings(_Section, frozen=True, kw_only=True):
    """[oco] — one-cancels-other brackets of two pending orders."""

    enabled: Annotated[bool, Meta(description="run the OCO manager")] = True
    check_interval_s: Annotated[float, Meta(ge=0.05, description="seconds between two checks of the open brackets")] = 0.5  # fmt: skip
    cancel_retries: Annotated[int, Meta(ge=0, le=20, description="retries of a refused cancel of the sibling leg before oco.failed")] = 3  # fmt: skip


class TrailingSettings(_Section, frozen=True, kw_only=True):
    """[trailing] — trailing-stop rules applied to open positions with TRADE_ACTION_SLTP."""

    enabled: Annotated[bool, Meta(description="run the trailing-stop manager")] = True
    interval_s: Annotated[float, Meta(ge=0.1, description="seconds between two passes over the open positions")] = 1.0  # fmt: skip
    symbols: Annotated[Symbols, Meta(description="symbols to manage (empty: all)")] = []
    breakeven_at_r: Annotated[float, Meta(ge=0, description="move the stop to entry once the profit reaches this many R (0: never)")] = 1.0  # fmt: skip
    breakeven_offset_points: Annotated[int, Meta(ge=0, description="lock this many points beyond entry when moving to breakeven")] = 0  # fmt: skip
    mode: Annotated[Literal["atr", "fixed", "none"], Meta(description="trail by a multiple of ATR, by a fixed distance, or not at all (breakeven only)")] = "atr"  # fmt: skip
    start_at_r: Annotated[float, Meta(ge=0, description="start trailing once the profit reaches this many R")] = 1.0  # fmt: skip
    atr_multiplier: Annotated[float, Meta(gt=0, le=50, description="stop distance = atr_multiplier x ATR (mode = atr)")] = 2.0  # fmt: skip
    atr_timeframe: Annotated[Timeframe, Meta(description="bars the ATR is computed on (M1 ... MN1)")] = "H1"  # fmt: skip
    atr_period: Annotated[int, Meta(ge=1, le=500, description="ATR period (Wilder)")] = 14
    fixed_distance_points: Annotated[int, Meta(ge=1, description="stop distance in points (mode = fixed)")] = 200  # fmt: skip
    step_points: Annotated[int, Meta(ge=0, description="move the stop only when it improves by at least this many points")] = 10  # fmt: skip
    retry_backoff_s: Annotated[float, Meta(gt=0, description="first wait after a refused modification (doubles each time)")] = 2.0  # fmt: skip
    retry_max_backoff_s: Annotated[float, Meta(gt=0, description="longest wait between retries of a refused modification")] = 300.0  # fmt: skip

    def problems(self) -> list[tuple[str, str]]:
        """Check the backoff bounds are ordered."""
        if self.retry_max_backoff_s < self.retry_backoff_s:
            return [("retry_max_backoff_s", f"must be >= trailing.retry_backoff_s ({self.retry_backoff_s})")]  # fmt: skip
        return []


class ScannerSettings(_Section, frozen=True, kw_only=True):
    """[scanner] — the RSI/ADX/ATR signal scanner (rules: docs/scanner.md)."""

    enabled: Annotated[bool, Meta(description="run the scanner job")] = True
    symbols: Annotated[Symbols, Meta(description="symbols to scan")] = field(default_factory=lambda: ["EURUSD", "GBPUSD", "XAUUSD"])  # fmt: skip
    timeframes: Annotated[list[Timeframe], Meta(min_length=1, description="timeframes to scan, e.g. [\"M15\", \"H1\"]")] = field(default_factory=lambda: ["H1"])  # fmt: skip
    interval_s: Annotated[float, Meta(ge=1, description="seconds between two scans")] = 300.0
    bars: Annotated[int, Meta(ge=50, le=10_000, description="bars fetched per symbol and timeframe (more bars: more settled Wilder averages)")] = 300  # fmt: skip
    include_forming_bar: Annotated[bool, Meta(description="also evaluate the bar still forming (MT5's position 0); false: closed bars only")] = False  # fmt: skip
    rules: Annotated[list[Rule], Meta(min_length=1, description="rules to apply: rsi_reversal, di_cross")] = field(default_factory=lambda: ["rsi_reversal"])  # fmt: skip
    notify_threshold: Annotated[float, Meta(ge=0, le=100, description="signals with at least this confidence are sent to telegram.owner_chat_id")] = 70.0  # fmt: skip
    rsi_period: Annotated[int, Meta(ge=2, le=200, description="RSI period (Wilder)")] = 14
    adx_period: Annotated[int, Meta(ge=2, le=200, description="ADX / DI period (Wilder)")] = 14
    atr_period: Annotated[int, Meta(ge=1, le=200, description="ATR period (Wilder)")] = 14
    rsi_oversold: Annotated[float, Meta(gt=0, lt=100, description="RSI at or below this is oversold")] = 30.0  # fmt: skip
    rsi_overbought: Annotated[float, Meta(gt=0, lt=100, description="RSI at or above this is overbought")] = 70.0  # fmt: skip
    trigger: Annotated[Literal["exit", "enter"], Meta(description="rsi_reversal fires when RSI leaves the zone (exit) or enters it (enter)")] = "exit"  # fmt: skip
    range_adx: Annotated[float, Meta(ge=0, le=100, description="ADX below this: regime \"ranging\"")] = 20.0  # fmt: skip
    trend_adx: Annotated[float, Meta(ge=0, le=100, description="ADX at or above this: regime \"trending\" (between the two: \"transition\")")] = 25.0  # fmt: skip
    min_adx: Annotated[float, Meta(ge=0, le=100, description="trend-strength filter: no signal while ADX is below this (0: off)")] = 0.0  # fmt: skip
    counter_trend_max_adx: Annotated[float, Meta(ge=0, le=100, description="drop a signal against a trend whose ADX is at or above this (100: never drop)")] = 40.0  # fmt: skip
    confidence_base: Annotated[float, Meta(ge=0, le=100, description="confidence of a signal before the depth and ADX terms")] = 50.0  # fmt: skip
    depth_weight: Annotated[float, Meta(ge=0, le=100, description="confidence points for a full-depth RSI excursion")] = 30.0  # fmt: skip
    depth_scale: Annotated[float, Meta(gt=0, le=100, description="RSI points beyond the threshold that count as full depth")] = 15.0  # fmt: skip
    adx_weight: Annotated[float, Meta(ge=0, le=100, description="confidence points for a trend of full strength in the signal's favour (taken away against it)")] = 20.0  # fmt: skip
    adx_scale: Annotated[float, Meta(gt=0, le=100, description="ADX that counts as full trend strength")] = 50.0  # fmt: skip

    def problems(self) -> list[tuple[str, str]]:
        """Check the RSI zones and ADX regime bounds are ordered and the symbols given."""
        found: list[tuple[str, str]] = []
        if self.rsi_oversold >= self.rsi_overbought:
            found.append(("rsi_oversold", f"must be below scanner.rsi_overbought ({self.rsi_overbought})"))  # fmt: skip
        if self.range_adx > self.trend_adx:
            found.append(("range_adx", f"must be <= scanner.trend_adx ({self.trend_adx})"))
        if self.enabled and not self.symbols:
            found.append(("symbols", "the scanner is enabled but has no symbols to scan"))
        return found


class AlertsSettings(_Section, frozen=True, kw_only=True):
    """[alerts] — when the poller raises alert.raised, as monitoring tools do."""

    no_sl_after_s: Annotated[float, Meta(ge=0, description="alert on a position still without a stop loss after this many seconds")] = 60.0  # fmt: skip
    aged_after_h: Annotated[float, Meta(gt=0, description="alert on a position open for more than this many hours")] = 24.0  # fmt: skip
    api_error_threshold: Annotated[int, Meta(ge=1, description="alert after this many failed terminal calls in a row")] = 3  # fmt: skip
    disconnect_after_s: Annotated[float, Meta(ge=0, description="alert when the terminal has been disconnected this long")] = 10.0  # fmt: skip
    margin_level_pct: Annotated[float, Meta(ge=0, description="alert when the margin level falls below this % (0: the broker's margin call level)")] = 0.0  # fmt: skip
    repeat_after_s: Annotated[float, Meta(ge=0, description="raise the same alert again only after this many seconds")] = 3600.0  # fmt: skip


def _tz_problems(key: str, name: str) -> list[tuple[str, str]]:
    if not name:
        return []
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a folder ("Europe")
        return [(key, f"{name!r} is not an IANA time zone (e.g. Europe/Athens, Etc/GMT-2)")]
    return []
