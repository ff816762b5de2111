"""The claims registry: an article's claims as data (``data/claims/<article>.yaml``).

A registry names the article, the date its "as of" claims refer to, and a list of claims. Each
claim has a stable ``id``, the article's words, a ``theme`` (the notebook that walks through it),
a check ``kind`` with its ``params``, and the snapshot files it needs (``data``). A new article
needs a new YAML file that uses the existing kinds, not new code.

Every kind has a parameter model below; unknown keys, missing keys, bad dates, duplicate ids and
unknown kinds are refused with one line naming the file and the claim.

Examples
--------
>>> from analysis.claims import load_claims
>>> registry = load_claims("data/claims/russell2000_2026.yaml")  # doctest: +SKIP
>>> registry.claims[0].id  # doctest: +SKIP
'rut_close_2026_01_02'
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from analysis.errors import ClaimsError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CLAIMS = PROJECT_ROOT / "data" / "claims" / "russell2000_2026.yaml"
_FILE = re.compile(r"^(fred|prices|french|user)/[^/]+\.csv$")


class _Params(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Window(_Params):
    """A calendar window, both ends included."""

    start: date
    end: date

    @model_validator(mode="after")
    def _ordered(self) -> Window:
        if self.end < self.start:
            raise ValueError(f"window end {self.end} is before its start {self.start}")
        return self


class LevelOnDate(_Params):
    """A series' value on a date against a stated value (``|observed - stated| <= tolerance``)."""

    series: str
    column: str = "Close"
    date: date
    stated: float
    tolerance: float = Field(ge=0, description="absolute, in the series' unit")


class WindowMove(_Params):
    """A stated percentage move over ``days`` trading days ending in ``ends_within``."""

    series: str
    column: str = "Close"
    days: int = Field(gt=0)
    ends_within: Window
    stated: float = Field(description="the stated move as a fraction: 0.12 for 12%")
    tolerance: float = Field(ge=0, description="absolute, as a fraction: 0.02 for +-2 points")


class RecordHigh(_Params):
    """A record high (close and intraday) of ``stated`` reached inside ``period``."""

    series: str
    close_column: str = "Close"
    high_column: str | None = "High"
    stated: float | None = None
    tolerance: float = Field(0.0, ge=0)
    period: Window
    history_start: date | None = None


class TargetRange(_Params):
    """The policy target range (lower and upper bound series) on a date."""

    lower: str
    upper: str
    date: date
    stated_lower: float
    stated_upper: float


class RateDecisions(_Params):
    """Count consecutive cuts of the upper bound, mapped to scheduled FOMC meetings."""

    upper: str
    period: Window
    stated_cuts: int = Field(ge=0)
    consecutive: bool = True


class RateForecast(_Params):
    """A rate forecast for a date: futures-implied at publication, realized later."""

    futures: str
    realized: str
    as_of: date
    target_date: date
    stated: float
    tolerance: float = Field(ge=0)


class RelativeReturn(_Params):
    """Return of ``series`` minus ``benchmark`` over ``days`` trading days ending on ``end``."""

    series: str
    benchmark: str
    end: date
    days: int = Field(gt=1)
    stated_spread: float | None = Field(None, description="a fraction: 0.06 for 600 bp")
    tolerance: float = Field(0.0, ge=0)
    end_jitter: int = Field(3, ge=0, description="trading days either side of end to re-test")
    days_range: tuple[int, int] = (19, 23)


class SectorLeadership(_Params):
    """Whether the named sectors led ``benchmark`` (and ``peers``) over a window."""

    leaders: list[str] = Field(min_length=1)
    benchmark: str
    peers: list[str] = []
    window: Window


class RelativeForecast(_Params):
    """A forecast that ``series`` beats ``benchmark`` from ``start`` to ``horizon_end``."""

    series: str
    benchmark: str
    start: date
    horizon_end: date


class ValuationPoint(_Params):
    """Two forward P/E levels on a date against stated ones."""

    file: str
    small: str
    large: str
    date: date
    stated_small: float
    stated_large: float
    tolerance: float = Field(ge=0, description="absolute, in multiples (1.0 for +-1x)")


class ValuationGap(_Params):
    """Small-cap relative valuation (small P/E / large P/E) against its own history."""

    file: str
    small: str
    large: str
    as_of: date
    returns_small: str | None = None
    returns_large: str | None = None
    horizon_months: int = Field(12, gt=0)


class EarningsForecast(_Params):
    """Stated growth ranges for a fiscal year, against estimates at publication and realized."""

    file: str
    small_estimate: str
    large_estimate: str
    small_actual: str
    large_actual: str
    year: int
    stated_small: tuple[float, float]
    stated_large: tuple[float, float]
    as_of: date


class EarningsConvergence(_Params):
    """Whether small- and large-cap EPS growth rates converge."""

    file: str
    small: str
    large: str
    as_of: date
    lookback_years: int = Field(5, gt=1)


class FactorSensitivity(_Params):
    """Betas of small- and large-cap returns to a factor's changes, and their difference."""

    small: str
    large: str
    factor: str
    factor_transform: Literal["diff", "pct_change"] = "diff"
    expected: Literal["small_more_negative", "small_more_positive", "small_less_exposed"]
    window: Window
    frequency: Literal["daily", "weekly"] = "weekly"
    market: str | None = Field(None, description="Ken French file: Mkt-RF + RF is the market")


class FlowRecord(_Params):
    """Flows over ``window`` against every earlier window of the same length (a record?)."""

    file: str
    series: list[str] = Field(min_length=1)
    window: Window


class ActivityChange(_Params):
    """Event counts (deals) in ``recent`` against a ``baseline`` period: a rate test."""

    file: str
    series: str
    recent: Window
    baseline: Window


class Momentum(_Params):
    """A rise before ``pivot`` that continues after it, up to ``end``."""

    series: str
    column: str = "Close"
    start: date
    pivot: date
    end: date


KINDS: dict[str, type[_Params]] = {
    "level_on_date": LevelOnDate,
    "window_move": WindowMove,
    "record_high": RecordHigh,
    "target_range": TargetRange,
    "rate_decisions": RateDecisions,
    "rate_forecast": RateForecast,
    "relative_return": RelativeReturn,
    "sector_leadership": SectorLeadership,
    "relative_forecast": RelativeForecast,
    "valuation_point": ValuationPoint,
    "valuation_gap": ValuationGap,
    "earnings_forecast": EarningsForecast,
    "earnings_convergence": EarningsConvergence,
    "factor_sensitivity": FactorSensitivity,
    "flow_record": FlowRecord,
    "activity_change": ActivityChange,
    "momentum": Momentum,
}


class Claim(BaseModel):
    """One claim of the article, its check and the data it needs."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    theme: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    text: str = Field(min_length=1)
    kind: str
    params: dict[str, Any]
    data: list[str] = Field(min_length=1, description="snapshot files the check needs")
    proxies: dict[str, str] = Field({}, description="accepted stand-in file for a needed one")
    forecast: bool = False
    as_of: date | None = Field(
        None,
        description="the moment the claim speaks of, when it is "
        "not the article's date (a sidebar published later)",
    )
    note: str = ""

    @property
    def check_params(self) -> _Params:
        """The parameters, parsed by the model of this claim's kind."""
        return KINDS[self.kind].model_validate(self.params)

    @property
    def files(self) -> list[str]:
        return list(self.data)


class Article(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    title: str
    source: str = ""
    as_of: date


class Registry(BaseModel):
    """A whole claims file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    article: Article
    claims: list[Claim] = Field(min_length=1)
    path: str = ""

    @property
    def themes(self) -> list[str]:
        """Themes in the order their first claim appears."""
        return list(dict.fromkeys(c.theme for c in self.claims))

    def by_theme(self, theme: str) -> list[Claim]:
        return [c for c in self.claims if c.theme == theme]

    def get(self, claim_id: str) -> Claim:
        for c in self.claims:
            if c.id == claim_id:
                return c
        raise KeyError(f"no claim {claim_id!r} in {self.path}")


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
    msg = err["msg"]
    if err["type"] == "extra_forbidden":
        msg = "unknown key"
    return f"{where}: {msg}" if where else msg


def load_claims(path: str | Path = DEFAULT_CLAIMS) -> Registry:
    """Load and validate a claims registry.

    Raises
    ------
    ClaimsError
        One line naming the file, the claim and what is wrong.
    """
    path = Path(path)
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
    seen: set[str] = set()
    for i, item in enumerate(raw["claims"]):
        label = str(item.get("id", f"#{i + 1}")) if isinstance(item, dict) else f"#{i + 1}"
        if not isinstance(item, dict):
            raise ClaimsError(
                name, "expected a mapping of id, theme, text, kind, params, data", claim=label
            )
        if label in seen:
            raise ClaimsError(name, "duplicate id, expected every id once", claim=label)
        seen.add(label)
        try:
            claim = Claim.model_validate(item)
        except ValidationError as exc:
            raise ClaimsError(name, _first_error(exc), claim=label) from exc
        if claim.kind not in KINDS:
            raise ClaimsError(
                name,
                f"unknown check kind {claim.kind!r}, expected one of {', '.join(sorted(KINDS))}",
                claim=label,
            )
        try:
            params = claim.check_params
        except ValidationError as exc:
            raise ClaimsError(name, f"params.{_first_error(exc)}", claim=label) from exc
        for rel in [*claim.data, *claim.proxies.values()]:
            if not _FILE.match(rel):
                raise ClaimsError(
                    name,
                    f"data file {rel!r} is not <fred|prices|french|user>/<NAME>.csv",
                    claim=label,
                )
        for key, value in params.model_dump().items():
            for rel in value if isinstance(value, list) else [value]:
                if isinstance(rel, str) and _FILE.match(rel) and rel not in claim.data:
                    raise ClaimsError(
                        name, f"params.{key} names {rel}, which is not listed in data", claim=label
                    )
    try:
        return Registry.model_validate({**raw, "path": name})
    except ValidationError as exc:
        raise ClaimsError(name, _first_error(exc)) from exc
