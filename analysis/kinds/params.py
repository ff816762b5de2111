"""Parameter types shared by the check kinds' parameter models (see :mod:`analysis.kinds`)."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, model_validator


class ParamsBase(BaseModel):
    """The base of every kind's ``Params``: unknown keys refused, values frozen."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Window(ParamsBase):
    """A calendar window, both ends included."""

    start: date
    end: date

    @model_validator(mode="after")
    def _ordered(self) -> Window:
        if self.end < self.start:
            raise ValueError(f"window end {self.end} is before its start {self.start}")
        return self
