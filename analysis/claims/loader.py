"""Reading a claims file: strict YAML, then the typed models, one-line errors.

Unknown keys, missing keys, bad dates, duplicate ids, unknown kinds and params naming files not
listed in ``data`` are refused with one line naming the file and the claim.

A claims file is written by hand, but it may come from anyone, so reading it is bounded before
anything is built from it, and every way it can be wrong is one :class:`ClaimsError` line, never
a traceback:

* at most :data:`MAX_BYTES` (1 MiB), checked before the file is read whole;
* UTF-8 text (the first other byte is named, with its offset);
* no YAML anchors or aliases (``&ref``, ``*ref``), refused where they stand, before anything is
  expanded (so no "billion laughs"); no explicit tags but ``!!str``; at most :data:`MAX_DEPTH`
  nested lists and mappings, and :data:`MAX_NODES` keys and values in all (the pure-Python
  parser takes 11 s over a megabyte of ``[1,1,1,...``; the cap stops it within a fifth of a
  second); keys are plain values, each once per mapping;
* a message quotes at most :data:`QUOTE` characters of any input, control characters escaped.

The models bound the rest (ids, texts, finite numbers): see :mod:`analysis.claims.model`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from analysis.claims.model import CLAIM_MODELS, FILE, MAX_ID, Claim, Registry
from analysis.errors import ClaimsError
from analysis.paths import DEFAULT_CLAIMS

MAX_BYTES = 1 << 20  # the shipped file, 23 claims, is 13 kB
MAX_DEPTH = 20  # nested lists and mappings; a claim's window is at depth 5
MAX_NODES = 10_000  # keys and values in all; the 23 claims of the shipped file are 680
QUOTE = 80  # characters of any input quoted in a message
MAX_PROBLEM = 500  # characters of a message's problem (the list of kinds is 330)

_STR = "tag:yaml.org,2002:str"
_NOT_RESOLVED = {  # plain scalars that stay text: dates (validated per claim), `<<`, `=`
    "tag:yaml.org,2002:timestamp",
    "tag:yaml.org,2002:merge",
    "tag:yaml.org,2002:value",
}


def _clip(text: str, limit: int = QUOTE) -> str:
    """``text`` on one line (control characters as escapes), cut to ``limit`` characters."""
    shown = "".join(c if c.isprintable() else repr(c)[1:-1] for c in text[:limit])
    return f"{shown}..." if len(text) > limit else shown


def _quote(value: object) -> str:
    """A piece of input for a message: quoted text, or the repr of anything else, clipped."""
    return f"'{_clip(value)}'" if isinstance(value, str) else _clip(repr(value))


def _error(name: str, problem: str, claim: str | None = None) -> ClaimsError:
    return ClaimsError(name, _clip(problem, MAX_PROBLEM), claim=claim)


def _yaml_error(problem: str, event_or_node: Any) -> yaml.MarkedYAMLError:
    return yaml.constructor.ConstructorError(None, None, problem, event_or_node.start_mark)


class _StrictLoader(yaml.SafeLoader):
    """``yaml.SafeLoader`` that keeps dates as text (pydantic validates them per claim, so an
    impossible date names its claim), refuses a key given twice in one mapping, and refuses, as
    it composes, before anything is built: anchors and aliases, explicit tags but ``!!str``,
    lists and mappings nested deeper than :data:`MAX_DEPTH`, more than :data:`MAX_NODES` keys
    and values."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0
        self._nodes = 0

    def compose_node(self, parent, index):
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            raise _yaml_error(
                f"alias *{_clip(event.anchor)}: YAML aliases are not allowed, write the value out",
                event,
            )
        if event.anchor is not None:
            raise _yaml_error(
                f"anchor &{_clip(event.anchor)}: YAML anchors and aliases are not allowed", event
            )
        tag = getattr(event, "tag", None)
        if tag not in (None, "!", _STR):
            shown = tag.replace("tag:yaml.org,2002:", "!!")
            raise _yaml_error(f"tag {_clip(shown)} is not allowed (only !!str)", event)
        self._nodes += 1
        if self._nodes > MAX_NODES:
            raise _yaml_error(
                f"more than {MAX_NODES} keys and values, expected a few hundred", event
            )
        nested = isinstance(event, yaml.SequenceStartEvent | yaml.MappingStartEvent)
        if nested:
            self._depth += 1
            if self._depth > MAX_DEPTH:
                raise _yaml_error(f"lists and mappings nested deeper than {MAX_DEPTH}", event)
        try:
            return super().compose_node(parent, index)
        finally:
            if nested:
                self._depth -= 1

    def construct_object(self, node, deep=False):
        try:
            return super().construct_object(node, deep=deep)
        except (ValueError, TypeError, KeyError, OverflowError) as exc:  # `0b_`, 5,000 digits
            value = node.value if isinstance(node, yaml.ScalarNode) else node.tag
            raise _yaml_error(f"cannot read {_quote(value)} ({_clip(str(exc))})", node) from exc

    def construct_mapping(self, node, deep=False):
        if not isinstance(node, yaml.MappingNode):
            return super().construct_mapping(node, deep=deep)  # refuses it
        seen = set()
        for key_node, _ in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise _yaml_error("a key is a list or a mapping, expected a plain value", key_node)
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise _yaml_error(f"found key {_quote(key)} twice", key_node)
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


_StrictLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in _NOT_RESOLVED]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _first_error(exc: ValidationError) -> str:
    err = exc.errors()[0]
    where = ".".join(_clip(str(p)) for p in err["loc"])
    msg = "unknown key" if err["type"] == "extra_forbidden" else err["msg"]
    return f"{where}: {msg}" if where else msg


def _read_text(path: Path, name: str) -> str:
    """The file's text: at most :data:`MAX_BYTES`, UTF-8."""
    too_big = f"claims file is larger than {MAX_BYTES} bytes (1 MiB), expected a few kilobytes"
    try:
        if not path.is_file():
            raise _error(name, "claims file does not exist")
        if path.stat().st_size > MAX_BYTES:
            raise _error(name, too_big)
        with path.open("rb") as fh:
            data = fh.read(MAX_BYTES + 1)  # a file that grew since, or a size the system hides
    except (OSError, ValueError) as exc:  # permissions, a name too long, a NUL in it
        why = getattr(exc, "strerror", None) or str(exc)
        raise _error(name, f"cannot read the claims file ({why})") from exc
    if len(data) > MAX_BYTES:
        raise _error(name, too_big)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, byte = data.count(b"\n", 0, exc.start) + 1, data[exc.start]
        problem = f"line {line}: not UTF-8 text (byte 0x{byte:02X} at offset {exc.start})"
        raise _error(name, problem) from exc


def _read_yaml(path: Path, name: str) -> dict[str, Any]:
    text = _read_text(path, name)
    try:
        raw = yaml.load(text, Loader=_StrictLoader)  # a SafeLoader
    except yaml.reader.ReaderError as exc:  # a character YAML refuses (NUL, other controls)
        line = text.count("\n", 0, exc.position) + 1
        char = chr(exc.character) if isinstance(exc.character, int) else exc.character
        problem = f"line {line}: not valid YAML (character {_quote(char)}: {exc.reason})"
        raise _error(name, problem) from exc
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = f"line {mark.line + 1}: " if mark else ""
        problem = exc.problem or exc.context or type(exc).__name__
        raise _error(name, f"{line}not valid YAML ({_clip(problem, 2 * QUOTE)})") from exc
    except (yaml.YAMLError, ValueError, TypeError, KeyError, RecursionError) as exc:  # a backstop
        raise _error(name, f"not valid YAML ({_clip(str(exc) or type(exc).__name__)})") from exc
    if not isinstance(raw, dict) or "claims" not in raw or not isinstance(raw["claims"], list):
        raise _error(name, "expected a mapping with 'article' and a list of 'claims'")
    return raw


def _label(item: Any, i: int) -> str:
    """How messages name a claim: its id, or its position when the id is missing or unfit to
    show (not text, control characters, longer than an id may be)."""
    value = item.get("id") if isinstance(item, dict) else None
    fit = isinstance(value, str) and 0 < len(value) <= MAX_ID and value.isprintable()
    if fit and not value.startswith("#"):  # not to be read as a position
        return value
    return f"#{i + 1}"


def _validate_claim(name: str, item: Any, label: str) -> Claim:
    """One claim through its kind's model; every problem is one line naming the claim."""
    if not isinstance(item, dict):
        raise _error(name, "expected a mapping of id, theme, text, kind, params, data", label)
    kind = item.get("kind")
    if not isinstance(kind, str) or kind not in CLAIM_MODELS:
        try:  # the fields every claim has come first: a missing kind, a bad id
            Claim.model_validate({**item, "params": {}})
        except ValidationError as exc:
            raise _error(name, _first_error(exc), label) from exc
        raise _error(
            name,
            f"unknown check kind {_quote(kind)}, expected one of {', '.join(CLAIM_MODELS)}",
            label,
        )
    try:
        claim = CLAIM_MODELS[kind].model_validate(item)
    except ValidationError as exc:
        raise _error(name, _first_error(exc), label) from exc
    for rel in [*claim.data, *claim.proxies, *claim.proxy_files()]:
        if not FILE.match(rel):
            raise _error(
                name, f"data file {_quote(rel)} is not <fred|prices|french|user>/<NAME>.csv", label
            )
    for key, rel in claim.files_in_params():
        if rel not in claim.data:
            raise _error(name, f"params.{key} names {rel}, which is not listed in data", label)
    for rel, proxy in claim.proxies.items():
        if rel not in claim.data:
            raise _error(name, f"proxies names {_quote(rel)}, which is not listed in data", label)
        try:  # a proxy that would give invalid parameters is refused now, not at check time
            claim.with_proxy(rel, proxy)
        except ValidationError as exc:
            raise _error(name, f"proxies.{rel}: {_first_error(exc)}", label) from exc
    return claim


def load_claims(path: str | Path = DEFAULT_CLAIMS) -> Registry:
    """Load and validate a claims registry.

    Raises
    ------
    ClaimsError
        One line naming the file, the claim and what is wrong (of bounded length, whatever the
        file holds).

    Examples
    --------
    >>> registry = load_claims("data/claims/russell2000_2026.yaml")  # doctest: +SKIP
    >>> registry.claims[0].id  # doctest: +SKIP
    'rut_close_2026_01_02'
    """
    path = Path(path)
    name = _clip(str(path), len(str(path)))  # the path as given, control characters escaped
    raw = _read_yaml(path, name)
    seen: set[str] = set()
    for i, item in enumerate(raw["claims"]):
        label = _label(item, i)
        if label in seen:
            raise _error(name, "duplicate id, expected every id once", label)
        seen.add(label)
        _validate_claim(name, item, label)
    try:
        return Registry.model_validate({**raw, "path": name})
    except ValidationError as exc:
        raise _error(name, _first_error(exc)) from exc
