"""Reading a claims file: strict YAML, then the typed models, one-line errors.

Unknown keys, missing keys, bad dates, duplicate ids, unknown kinds and params naming files not
listed in ``data`` are refused with one line naming the file and the claim.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from analysis.claims.model import CLAIM_MODELS, FILE, Claim, Registry
from analysis.errors import ClaimsError
from analysis.paths import DEFAULT_CLAIMS


class _StrictLoader(yaml.SafeLoader):
    """``yaml.SafeLoader`` that keeps dates as text (pydantic validates them per claim, so an
    impossible date names its claim) and refuses a key given twice in one mapping."""

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"found key {key!r} twice", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


_StrictLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _first_error(exc: ValidationError) -> str:
    err = exc.errors()[0]
    where = ".".join(str(p) for p in err["loc"])
    msg = "unknown key" if err["type"] == "extra_forbidden" else err["msg"]
    return f"{where}: {msg}" if where else msg


def _read_yaml(path: Path) -> dict[str, Any]:
    name = str(path)
    if not path.is_file():
        raise ClaimsError(name, "claims file does not exist")
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_StrictLoader)  # a SafeLoader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f"line {mark.line + 1}: " if mark else ""
        raise ClaimsError(name, f"{line}not valid YAML ({getattr(exc, 'problem', exc)})") from exc
    if not isinstance(raw, dict) or "claims" not in raw or not isinstance(raw["claims"], list):
        raise ClaimsError(name, "expected a mapping with 'article' and a list of 'claims'")
    return raw


def _validate_claim(name: str, item: Any, label: str) -> Claim:
    """One claim through its kind's model; every problem is one line naming the claim."""
    if not isinstance(item, dict):
        raise ClaimsError(
            name, "expected a mapping of id, theme, text, kind, params, data", claim=label
        )
    kind = item.get("kind")
    if not isinstance(kind, str) or kind not in CLAIM_MODELS:
        try:  # the fields every claim has come first: a missing kind, a bad id
            Claim.model_validate({**item, "params": {}})
        except ValidationError as exc:
            raise ClaimsError(name, _first_error(exc), claim=label) from exc
        raise ClaimsError(
            name,
            f"unknown check kind {kind!r}, expected one of {', '.join(CLAIM_MODELS)}",
            claim=label,
        )
    try:
        claim = CLAIM_MODELS[kind].model_validate(item)
    except ValidationError as exc:
        raise ClaimsError(name, _first_error(exc), claim=label) from exc
    for rel in [*claim.data, *claim.proxies.values()]:
        if not FILE.match(rel):
            raise ClaimsError(
                name, f"data file {rel!r} is not <fred|prices|french|user>/<NAME>.csv", claim=label
            )
    for key, rel in claim.files_in_params():
        if rel not in claim.data:
            raise ClaimsError(
                name, f"params.{key} names {rel}, which is not listed in data", claim=label
            )
    return claim


def load_claims(path: str | Path = DEFAULT_CLAIMS) -> Registry:
    """Load and validate a claims registry.

    Raises
    ------
    ClaimsError
        One line naming the file, the claim and what is wrong.

    Examples
    --------
    >>> registry = load_claims("data/claims/russell2000_2026.yaml")  # doctest: +SKIP
    >>> registry.claims[0].id  # doctest: +SKIP
    'rut_close_2026_01_02'
    """
    path = Path(path)
    name = str(path)
    raw = _read_yaml(path)
    seen: set[str] = set()
    for i, item in enumerate(raw["claims"]):
        label = str(item.get("id", f"#{i + 1}")) if isinstance(item, dict) else f"#{i + 1}"
        if label in seen:
            raise ClaimsError(name, "duplicate id, expected every id once", claim=label)
        seen.add(label)
        _validate_claim(name, item, label)
    try:
        return Registry.model_validate({**raw, "path": name})
    except ValidationError as exc:
        raise ClaimsError(name, _first_error(exc)) from exc
