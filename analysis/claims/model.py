"""The claims registry as typed models: a claims file's article and its claims.

A claim's ``params`` are validated at load by the parameter model of its ``kind`` (a union keyed
on ``kind``, built from the kinds registry :data:`analysis.kinds.KINDS`), so an editor that reads
:func:`registry_schema` completes and checks a claims file as it is typed.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, create_model
from pydantic.json_schema import SkipJsonSchema

from analysis.kinds import KINDS
from analysis.kinds.params import ParamsBase

FILE = re.compile(r"^(fred|prices|french|user)/[^/]+\.csv$")


class Claim(BaseModel):
    """One claim of the article, its check and the data it needs (``params`` typed by kind)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    theme: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    text: str = Field(min_length=1)
    kind: str
    params: ParamsBase
    data: list[str] = Field(min_length=1, description="snapshot files the check needs")
    proxies: dict[str, str] = Field({}, description="accepted stand-in file for a needed one")
    forecast: bool = False
    as_of: date | None = Field(
        None,
        description="the moment the claim speaks of, when it is "
        "not the article's date (a sidebar published later)",
    )
    note: str = ""

    def files_in_params(self) -> list[tuple[str, str]]:
        """``(parameter, file)`` for every snapshot file the parameters name."""
        out = []
        for key, value in self.params.model_dump().items():
            for item in value if isinstance(value, list) else [value]:
                if isinstance(item, str) and FILE.match(item):
                    out.append((key, item))
        return out

    def with_file(self, old: str, new: str) -> Claim:
        """The claim with every parameter naming ``old`` pointing at ``new`` (a proxy)."""
        update = {k: new for k, v in self.params if v == old}
        return self.model_copy(update={"params": self.params.model_copy(update=update)})


def _claim_model(name: str) -> type[Claim]:
    camel = "".join(part.title() for part in name.split("_"))
    return create_model(
        f"{camel}Claim",
        __base__=Claim,
        __doc__=f"A claim checked as ``{name}``: {KINDS[name].decides}.",
        kind=(Literal[name], ...),
        params=(KINDS[name].params, ...),
    )


CLAIM_MODELS: dict[str, type[Claim]] = {name: _claim_model(name) for name in sorted(KINDS)}
AnyClaim = Annotated[Union[tuple(CLAIM_MODELS.values())], Field(discriminator="kind")]  # noqa: UP007


class Article(BaseModel):
    """The article the claims come from; ``as_of`` is the date its "as of" claims refer to."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    title: str
    source: str = ""
    as_of: date


class Registry(BaseModel):
    """A whole claims file."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="Workbook claims file")

    article: Article
    claims: list[AnyClaim] = Field(min_length=1)
    path: SkipJsonSchema[str] = ""

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


def registry_schema() -> dict[str, Any]:
    """The JSON Schema of a claims file (``workbook claims --schema``), for editors."""
    schema = Registry.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema
