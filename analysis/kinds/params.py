"""Parameter types shared by the check kinds' parameter models (see :mod:`analysis.kinds`)."""

from __future__ import annotations

import unicodedata
from datetime import date
from typing import Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

MAX_PARAM_TEXT = 256  # characters of any text parameter (a file, a column, a series name)


def _control_character(value: Any) -> str | None:
    """The first control character or lone surrogate in ``value``: a text, or the texts in
    lists, tuples and mappings."""
    if isinstance(value, str):
        return next((c for c in value if unicodedata.category(c) in ("Cc", "Cs")), None)
    if isinstance(value, dict):
        value = [*value, *value.values()]
    if isinstance(value, list | tuple):
        return next((c for c in map(_control_character, value) if c is not None), None)
    return None


class ParamsBase(BaseModel):
    """The base of every kind's ``Params``: unknown keys refused, values frozen.

    Every parameter, in every kind and in the models nested in them (``Window``), is bounded:
    numbers are finite (``.inf`` and ``.nan`` are refused, also inside tuples), texts are at most
    :data:`MAX_PARAM_TEXT` characters and hold no control character nor lone surrogate. A
    parameter names a file, a column or a series, so an escape sequence there is refused (one
    line naming ``params.<field>``), not stripped as in a claim's free text.
    """

    model_config = ConfigDict(
        extra="forbid", frozen=True, allow_inf_nan=False, str_max_length=MAX_PARAM_TEXT
    )

    @field_validator("*", mode="before")
    @classmethod
    def _no_control_characters(cls, value: Any, info: ValidationInfo) -> Any:
        char = _control_character(value)
        if char is not None:
            raise ValueError(f"control character {char!r} in {info.field_name}, expected text")
        return value


class Window(ParamsBase):
    """A calendar window, both ends included."""

    start: date
    end: date

    @model_validator(mode="after")
    def _ordered(self) -> Window:
        if self.end < self.start:
            raise ValueError(f"window end {self.end} is before its start {self.start}")
        return self


class Reprice(ParamsBase):
    """Bring a valuation multiple reported on an earlier date to the claim's date.

    The multiple reported on its date times the index's price change since (``small`` and
    ``large`` name the two indexes' price files); for a trailing multiple (``eps_file`` and the
    two EPS series given) also divided by the change in the newest EPS reported by the claim's
    date. The EPS behind a forward multiple is held at its reported value, so the result is
    "today's price on the estimate of the report's date", and the summary says how old it is.
    """

    small: str
    large: str
    eps_file: str | None = None
    small_eps: str | None = None
    large_eps: str | None = None
    max_age_days: int = Field(
        100, ge=0, le=400, description="how old the reported multiple (and its EPS) may be"
    )

    @model_validator(mode="after")
    def _eps_complete(self) -> Reprice:
        given = [self.eps_file, self.small_eps, self.large_eps]
        if any(given) and not all(given):
            raise ValueError("eps_file, small_eps and large_eps go together: give all or none")
        return self
