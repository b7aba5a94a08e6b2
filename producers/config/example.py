"""Write the fully commented example config (every section, key, default and meaning) and the
key reference tables of docs/configuration.md.

Both are generated from the ``Config`` Structs themselves (descriptions, ranges, choices and
defaults), so they cannot drift from what ``load_config`` accepts; tests load the example back
and keep the docs' tables current.
"""

from __future__ import annotations

import json
import os
import textwrap
from pathlib import Path
from typing import Any, Literal, get_args, get_origin

import msgspec

from .load import _key, _unwrap
from .model import Config

__all__ = ["example_toml", "reference_markdown", "write_example"]

HEADER = """\
# tradejournal config: one file shared by `tradejournal mt5 run` and `tradejournal bot`.
# Every key is listed with its default value; delete what you do not change. Unknown keys,
# wrong types and out-of-range values are refused at start, each with its own message.
# Relative paths are read from this file's folder.
#
# Secrets never go in this file: the *_env keys name the environment variables that hold them
# (mt5.password_env, telegram.token_env, openai.api_key_env), e.g.
#     export MT5_PASSWORD=...  TELEGRAM_BOT_TOKEN=...  OPENAI_API_KEY=...
# Reference: docs/configuration.md
"""


def example_toml(journal_path: str | None = None) -> str:
    """Return the commented example (``journal.path`` set to ``journal_path`` when given)."""
    config = Config()
    if journal_path is not None:
        journal = msgspec.structs.replace(config.journal, path=journal_path)
        config = msgspec.structs.replace(config, journal=journal)
    parts = [HEADER]
    for section in msgspec.structs.fields(Config):
        parts.append(_section(section.name, getattr(config, section.name)))
    return "\n".join(parts)


def write_example(
    path: str | os.PathLike[str], journal: str | os.PathLike[str] | None = None
) -> Path:
    """Write the example to a new file ``path`` (never overwrites); return its path.

    ``journal`` (relative to the current directory) becomes ``journal.path``, written relative
    to the file's folder as the loader reads it. Raise FileExistsError if ``path`` exists.
    """
    target = Path(path)
    journal_path = None
    if journal is not None:
        journal_path = os.path.relpath(Path(journal).resolve(), target.resolve().parent)
    with target.open("x", encoding="utf-8") as out:
        out.write(example_toml(journal_path))
    return target


def reference_markdown() -> str:
    """Return one markdown table per section: key, default, meaning (with range and choices)."""
    out: list[str] = []
    config = Config()
    for section in msgspec.structs.fields(Config):
        value = getattr(config, section.name)
        doc = (type(value).__doc__ or "").strip().split(" — ", 1)[-1]
        out += [f"### `[{section.name}]`", "", doc[:1].upper() + doc[1:], ""]
        out += ["| key | default | meaning |", "|---|---|---|"]
        for field in msgspec.structs.fields(type(value)):
            current = getattr(value, field.name)
            if isinstance(current, dict):
                shown = ", ".join(f"`{k}`" for k in current) + " (see below)"
            else:
                shown = f"`{_toml(current)}`"
            meaning = _describe(field.type).replace("|", "\\|")
            out.append(f"| `{section.name}.{field.name}` | {shown} | {meaning} |")
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def _section(name: str, value: msgspec.Struct) -> str:
    cls = type(value)
    lines = [f"# {(cls.__doc__ or '').strip()}", f"[{name}]"]
    tables: list[str] = []
    for field in msgspec.structs.fields(cls):
        current = getattr(value, field.name)
        if isinstance(current, dict) and all(
            isinstance(v, msgspec.Struct) for v in current.values()
        ):
            tables += _comment(f"{name}.{field.name}: {_describe(field.type)}")
            for key, item in current.items():
                tables.append(f"[{name}.{field.name}.{_table_key(key)}]")
                tables += [f"{k} = {_toml(v)}" for k, v in msgspec.structs.asdict(item).items()]
            continue
        lines += _comment(_describe(field.type))
        lines.append(f"{field.name} = {_toml(current)}")
    return "\n".join(lines + ([""] + tables if tables else [])) + "\n"


def _describe(tp: Any) -> str:
    inner, metas = _unwrap(tp)
    text = ""
    bounds: list[str] = []
    for meta in metas:
        if isinstance(meta, msgspec.Meta):
            text = meta.description or text
            bounds += [f"{op} {getattr(meta, attr)}" for attr, op in _BOUNDS if getattr(meta, attr) is not None]  # fmt: skip
    choices = _choices(inner)
    if choices and not all(c in text for c in choices):
        bounds.append("one of " + ", ".join(choices))
    return text + (f" [{'; '.join(bounds)}]" if bounds else "")


_BOUNDS = (("ge", ">="), ("gt", ">"), ("le", "<="), ("lt", "<"))


def _choices(tp: Any) -> list[str]:
    inner, _ = _unwrap(tp)
    if get_origin(inner) is Literal:
        return [str(a) for a in get_args(inner)]
    if get_origin(inner) is list:
        return _choices(get_args(inner)[0])
    return []


def _comment(text: str) -> list[str]:
    return ["# " + line for line in textwrap.wrap(text, 96, break_on_hyphens=False)]


def _table_key(name: str) -> str:
    return _key(name) if "." not in name else json.dumps(name)


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    raise TypeError(f"no TOML form for {type(value).__name__}")
