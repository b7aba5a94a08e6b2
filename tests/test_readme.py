"""The README stays true: generated sections match the code, and every command is documented.

The event catalogue and the projection tables are rendered from the code into the README between
``<!-- BEGIN GENERATED: name -->`` markers; ``UPDATE_GOLDEN=1`` rewrites them.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import msgspec

from tradejournal.cli.main import cli
from tradejournal.events import EVENT_TYPES
from tradejournal.projections import describe_tables

README = Path(__file__).resolve().parents[1] / "README.md"
ENVELOPE = {"seq", "id", "v", "ts", "recorded_ts", "producer", "account"}
ENVELOPE |= {"correlation_id", "causation_id"}


def _type_name(t: object) -> str:
    info = msgspec.inspect.type_info(t)  # type: ignore[arg-type]
    return _describe(info)


def _describe(info: msgspec.inspect.Type) -> str:
    if isinstance(info, msgspec.inspect.Metadata):
        return _describe(info.type)
    if isinstance(info, msgspec.inspect.UnionType):
        parts = [_describe(t) for t in info.types if not isinstance(t, msgspec.inspect.NoneType)]
        optional = any(isinstance(t, msgspec.inspect.NoneType) for t in info.types)
        return " \\| ".join(parts) + ("?" if optional else "")
    if isinstance(info, msgspec.inspect.LiteralType):
        return "/".join(str(v) for v in info.values)
    if isinstance(info, msgspec.inspect.ListType):
        return f"list[{_describe(info.item_type)}]"
    return type(info).__name__.removesuffix("Type").lower()


def render_catalogue() -> str:
    """Return the markdown table of every event type and its own fields."""
    rows = ["| tag | v | fields (besides the envelope; `?` = optional) |", "|---|---|---|"]
    for tag, cls in EVENT_TYPES.items():
        fields = [f for f in msgspec.structs.fields(cls) if f.name not in ENVELOPE]
        cells = ", ".join(f"`{f.name}` {_type_name(f.type)}" for f in fields)
        version = next(f.default for f in msgspec.structs.fields(cls) if f.name == "v")
        rows.append(f"| `{tag}` | {version} | {cells} |")
    return "\n".join(rows)


def render_tables() -> str:
    """Return one short section per projection table/view/macro with its columns."""
    out = []
    for name, doc in describe_tables().items():
        params = f"({', '.join(doc.parameters)})" if doc.parameters else ""
        cols = ", ".join(f"`{c}` {t.lower()}" for c, t, _ in doc.columns)
        out.append(
            f"- **`{name}{params}`** ({doc.kind}, `{doc.source}`): {doc.description}"
            + (f"<br>columns: {cols}" if cols else "")
        )
    return "\n".join(out)


def _check_section(text: str, name: str, body: str) -> str:
    pattern = re.compile(
        rf"(<!-- BEGIN GENERATED: {name} [^>]*-->\n)(.*?)(<!-- END GENERATED: {name} -->)", re.S
    )
    m = pattern.search(text)
    assert m, f"README has no generated section {name!r}"
    return text[: m.start(2)] + body + "\n" + text[m.end(2) :]


def test_generated_sections_are_current() -> None:
    text = README.read_text(encoding="utf-8")
    new = _check_section(text, "catalogue", render_catalogue())
    new = _check_section(new, "tables", render_tables())
    if os.environ.get("UPDATE_GOLDEN"):
        README.write_text(new, encoding="utf-8")
        return
    assert new == text, "README is stale: run UPDATE_GOLDEN=1 .venv/bin/pytest tests/test_readme.py"


def test_every_command_is_in_the_readme() -> None:
    text = README.read_text(encoding="utf-8")
    commands = list(cli.commands)
    for name, command in cli.commands.items():
        sub = getattr(command, "commands", {})
        commands += [f"{name} {s}" for s in sub]
    missing = [c for c in commands if f"tradejournal {c}" not in text]
    assert not missing, f"commands missing from README: {missing}"


def test_readme_quick_start_targets_exist() -> None:
    makefile = (README.parent / "Makefile").read_text()
    text = README.read_text(encoding="utf-8")
    for target in ("demo", "test"):
        assert f"make {target}" in text
        assert re.search(rf"^{target}:", makefile, re.M)
