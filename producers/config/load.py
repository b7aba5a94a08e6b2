"""Load and validate the TOML config file: every wrong key reported at once, one message each.

The file is parsed with ``tomllib`` and walked against the ``Config`` Structs key by key (a plain
``msgspec.convert`` would stop at the first error). A message names the dotted key path, the
value found and what is expected: an unknown key gets a did-you-mean, a literal secret is refused
with the ``*_env`` key to use instead (its value is never echoed). Relative paths become absolute
against the file's folder.
"""

from __future__ import annotations

import difflib
import os
import re
import tomllib
from pathlib import Path
from typing import Annotated, Any, Literal, get_args, get_origin

import msgspec

from .model import PATH_KEYS, Config
from .secrets import SECRET_KEYS, ConfigError

__all__ = ["load_config", "parse_config"]

_KINDS = {
    "float": "a number",
    "int": "an integer",
    "str": "a string",
    "bool": "true or false",
    "array": "a list",
    "object": "a table",
    "null": "nothing",
}
_PATTERNS = {
    "^[A-Z]{3}$": "three capital letters (e.g. USD)",
    "^https?://": "an http:// or https:// URL",
}
_BAD = object()


def load_config(path: str | os.PathLike[str]) -> Config:
    """Read, validate and return the config file at ``path``; raise ConfigError listing every problem."""
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(
            [f"no such file; write an example with `tradejournal init --config {file}`"], str(file)
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError([f"cannot read it: {exc}"], str(file)) from exc
    return parse_config(text, base_dir=file.resolve().parent, source=str(file))


def parse_config(text: str, base_dir: Path | None = None, source: str = "") -> Config:
    """Validate TOML text and return the Config; relative paths resolve against ``base_dir``."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError([f"not valid TOML: {exc}"], source) from exc
    problems: list[str] = []
    config = _convert_struct(data, Config, "", problems)
    if problems or not isinstance(config, Config):
        raise ConfigError(problems, source)
    return _absolute_paths(config, base_dir) if base_dir is not None else config


# --- the walk -----------------------------------------------------------------------------------


def _convert(value: Any, tp: Any, path: str, problems: list[str]) -> Any:
    inner, _ = _unwrap(tp)
    if isinstance(inner, type) and issubclass(inner, msgspec.Struct):
        return _convert_struct(value, inner, path, problems)
    origin = get_origin(inner)
    args = get_args(inner)
    if origin is dict and _is_struct(args[1]) and isinstance(value, dict):
        items = {k: _convert(v, args[1], f"{path}.{_key(k)}", problems) for k, v in value.items()}
        return _BAD if _BAD in items.values() else _checked(items, tp, path, problems)
    if origin is list and isinstance(value, list) and _is_literal(args[0]):
        converted = [_literal(v, args[0], f"{path}[{i}]", problems) for i, v in enumerate(value)]
        return _BAD if _BAD in converted else _checked(converted, tp, path, problems)
    if _is_literal(inner):
        return _literal(value, inner, path, problems)
    return _checked(value, tp, path, problems)


def _convert_struct(value: Any, cls: type[msgspec.Struct], path: str, problems: list[str]) -> Any:
    if not isinstance(value, dict):
        where = f"[{path}]" if path else "the file"
        problems.append(
            f"{path} = {_show(value)}: expected a table ({where}), found {_kind(value)}"
        )
        return _BAD
    fields = {f.name: f for f in msgspec.structs.fields(cls)}
    kwargs: dict[str, Any] = {}
    for key, item in value.items():
        dotted = f"{path}.{_key(key)}" if path else _key(key)
        if key in fields:
            converted = _convert(item, fields[key].type, dotted, problems)
            if converted is not _BAD:
                kwargs[key] = converted
        elif key.lower() in SECRET_KEYS or key.lower().endswith(("password", "token", "api_key")):
            problems.append(_secret_message(dotted, key, fields))
        else:
            problems.append(_unknown_message(dotted, key, path, fields, cls))
    failed = len(kwargs) < sum(1 for k in value if k in fields)  # already reported
    try:
        result = cls(**kwargs)
    except (TypeError, ValueError) as exc:  # a required key is missing (e.g. a price's output)
        if not failed:
            problems.append(f"{path}: {str(exc).replace('Missing required argument', 'missing key')}")  # fmt: skip
        return _BAD
    problem_fn = getattr(result, "problems", None)
    for key, message in problem_fn() if problem_fn else ():
        if not failed or key in kwargs:  # with a wrong key, only rules on keys that were fine
            problems.append(f"{path}.{key} = {_show(getattr(result, key))}: {message}")
    return _BAD if failed else result


def _checked(value: Any, tp: Any, path: str, problems: list[str]) -> Any:
    try:
        return msgspec.convert(value, tp)
    except msgspec.ValidationError as exc:
        problems.append(_type_message(path, value, str(exc)))
        return _BAD


def _literal(value: Any, tp: Any, path: str, problems: list[str]) -> Any:
    options = [str(o) for o in get_args(tp)]
    if value in options:
        return value
    expected = "one of " + ", ".join(options)
    guess = difflib.get_close_matches(str(value), options, n=1, cutoff=0.5)
    hint = f" (did you mean {guess[0]}?)" if isinstance(value, str) and guess else ""
    problems.append(f"{path} = {_show(value)}: expected {expected}{hint}")
    return _BAD


# --- messages -----------------------------------------------------------------------------------


def _type_message(path: str, value: Any, error: str) -> str:
    text, _, at = error.partition(" - at `$")
    if at:
        path += at.rstrip("`")
        value = _dig(value, at.rstrip("`"))
    for name, words in _KINDS.items():
        text = text.replace(f"`{name}`", words)
    text = text.replace("Expected ", "expected ").replace(", got ", ", found ")
    text = text.replace("a list of length", "a list with length")
    text = re.sub(r"(?<=[<>=] )(-?\d+)\.0\b", r"\1", text)  # "<= 14.0" -> "<= 14"
    for pattern, words in _PATTERNS.items():
        text = text.replace(f"a string matching regex '{pattern}'", words)
    return f"{path} = {_show(value)}: {text}"


def _unknown_message(dotted: str, key: str, path: str, fields: dict[str, Any], cls: type) -> str:
    what = "section" if not path else "key"
    guess = difflib.get_close_matches(key, list(fields), n=1, cutoff=0.7)
    if guess:
        better = f"{path}.{guess[0]}" if path else guess[0]
        return f"{dotted}: unknown {what}; did you mean {better}?"
    known = ", ".join(fields)
    return (
        f"{dotted}: unknown {what} (known in {'[' + path + ']' if path else 'the file'}: {known})"
    )


def _secret_message(dotted: str, key: str, fields: dict[str, Any]) -> str:
    env_keys = [name for name in fields if name.endswith("_env")]
    section = dotted.rsplit(".", 1)[0] if "." in dotted else ""
    if env_keys:
        use = f"{section}.{env_keys[0]}" if section else env_keys[0]
        advice = f"put it in an environment variable and name that variable with {use}"
    else:
        advice = "secrets belong in environment variables, named by the *_env keys"
    return f"{dotted}: secrets are not read from the config file (value not shown); {advice}"


def _show(value: Any) -> str:
    if isinstance(value, str):
        text = '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    elif isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, dict):
        text = "{" + ", ".join(f"{_key(k)} = {_show(v)}" for k, v in value.items()) + "}"
    elif isinstance(value, list):
        text = "[" + ", ".join(_show(v) for v in value) + "]"
    else:
        text = str(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _kind(value: Any) -> str:
    for tp, words in ((bool, "true or false"), (int, "an integer"), (float, "a number"),
                      (str, "a string"), (list, "a list"), (dict, "a table")):  # fmt: skip
        if isinstance(value, tp):
            return words
    return type(value).__name__


def _key(name: str) -> str:
    bare = name.replace("_", "").replace("-", "").isalnum() and name.isascii()
    return name if bare else f'"{name}"'


def _dig(value: Any, at: str) -> Any:
    # "[1]" or "[1][0]" of an error location inside a list value
    for part in at.strip("[]").split("]["):
        if part.isdigit() and isinstance(value, list) and int(part) < len(value):
            value = value[int(part)]
    return value


def _unwrap(tp: Any) -> tuple[Any, tuple[Any, ...]]:
    if get_origin(tp) is Annotated:
        args = get_args(tp)
        return args[0], args[1:]
    return tp, ()


def _is_struct(tp: Any) -> bool:
    inner, _ = _unwrap(tp)
    return isinstance(inner, type) and issubclass(inner, msgspec.Struct)


def _is_literal(tp: Any) -> bool:
    return get_origin(_unwrap(tp)[0]) is Literal


def _absolute_paths(config: Config, base: Path) -> Config:
    for section_name, key in PATH_KEYS:
        section = getattr(config, section_name)
        value = getattr(section, key)
        if value and not Path(value).expanduser().is_absolute():
            section = msgspec.structs.replace(section, **{key: str(base / value)})
        elif value:
            section = msgspec.structs.replace(section, **{key: str(Path(value).expanduser())})
        config = msgspec.structs.replace(config, **{section_name: section})
    return config
