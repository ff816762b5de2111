"""Parameter types shared by the check kinds' parameter models (see :mod:`analysis.kinds`)."""

from __future__ import annotations

import unicodedata
from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationInfo, field_validator, model_validator

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
