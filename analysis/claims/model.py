"""The claims registry as typed models: a claims file's article and its claims.

A claim's ``params`` are validated at load by the parameter model of its ``kind`` (a union keyed
on ``kind``, built from the kinds registry :data:`analysis.kinds.KINDS`), so an editor that reads
:func:`registry_schema` completes and checks a claims file as it is typed.

Everything a claims file says is bounded, because it reaches file names and a terminal: ids and
themes are ``[a-z][a-z0-9_]*`` of at most :data:`MAX_ID` characters; the free texts (a claim's
``text`` and ``note``, the article's ``title`` and ``source``) are at most :data:`MAX_TEXT` (a
note :data:`MAX_NOTE`) characters, and their control characters are *stripped*, not refused:
C0 except newline and tab, DEL, C1, lone surrogates, and whole escape sequences (``"\\x1b[2J"``
goes, not only its ESC), so a terminal never receives them and a pasted quotation with a stray
one still loads. Data files are ``<fred|prices|french|user>/<NAME>.csv`` with a NAME of at most
100 characters, no control character and no lone surrogate; parameters are bounded by
:class:`~analysis.kinds.params.ParamsBase`.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, create_model
from pydantic.json_schema import SkipJsonSchema

from analysis.kinds import KINDS
from analysis.kinds.params import ParamsBase

FILE = re.compile(r"^(fred|prices|french|user)/[^/\\\x00-\x1f\x7f-\x9f\ud800-\udfff]{1,100}\.csv$")
MAX_ID = 64  # characters of an id or a theme (they name files)
MAX_TEXT = 2_000  # characters of a claim's text, an article's title or source
MAX_NOTE = 4_000  # characters of a claim's note

# terminal escape sequences: CSI (ESC [ or 0x9B), OSC (ESC ] or 0x9D, to BEL or ST), DCS, SOS,
# PM and APC (to ST), then any other ESC with its intermediate and final bytes
_ESCAPE = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?"
    r"|(?:\x1b\]|\x9d)[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
    r"|(?:\x1b[PX^_]|[\x90\x98\x9e\x9f])[^\x1b\x9c]*(?:\x1b\\|\x9c)?"
    r"|\x1b[ -/]*[0-~]?"
)
# C0 but newline and tab, DEL, C1, and lone surrogates (no terminal can print them)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


def strip_controls(value: Any) -> Any:
    """``value`` without escape sequences and control characters but newline and tab (a text);
    anything else unchanged, for pydantic to refuse."""
    return _CONTROL.sub("", _ESCAPE.sub("", value)) if isinstance(value, str) else value


Id = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=MAX_ID)]
Text = Annotated[str, BeforeValidator(strip_controls)]


def _proxy_from_text(value: Any) -> Any:
    return {"file": value} if isinstance(value, str) else value


class Proxy(BaseModel):
    """An accepted stand-in for a needed file (``proxies: {needed: stand-in}``), used only when
    the needed file is missing, and always named in the summary.

    A plain file name swaps the file. The long form also renames series (the claim's names to
    the proxy file's), sets parameters that change with the stand-in (its own price series, a
    repricing rule), and says in words what stands in for what (``says``).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    file: str = Field(max_length=110, description="the stand-in file")
    series: dict[Annotated[str, Field(max_length=256)], Annotated[str, Field(max_length=256)]] = (
        Field({}, max_length=32, description="the claim's series name -> the proxy file's")
    )
    params: dict[Annotated[str, Field(max_length=64)], Any] = Field(
        {}, max_length=32, description="parameters set when the proxy is used"
    )
    says: Text = Field("", max_length=MAX_TEXT, description="what the summary says of it")

    def files(self) -> list[str]:
        """The stand-in file and the files its parameters name."""
        return [self.file, *(rel for _, rel in _files_in(self.params) if rel != self.file)]

    def note(self, rel: str) -> str:
        """What a summary says of this proxy standing in for ``rel``."""
        return (
            f"An accepted proxy: {self.says}"
            if self.says
            else (f"{self.file} stands in for {rel} (an accepted proxy)")
        )


ProxyField = Annotated[Proxy, BeforeValidator(_proxy_from_text)]


class Claim(BaseModel):
    """One claim of the article, its check and the data it needs (``params`` typed by kind)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Id
    theme: Id
    text: Text = Field(min_length=1, max_length=MAX_TEXT)
    kind: str
    params: ParamsBase
    data: list[str] = Field(min_length=1, description="snapshot files the check needs")
    proxies: dict[str, ProxyField] = Field(
        {}, description="an accepted stand-in for a needed file, used only when it is missing"
    )
    forecast: bool = False
    as_of: date | None = Field(
        None,
        description="the moment the claim speaks of, when it is "
        "not the article's date (a sidebar published later)",
    )
    note: Text = Field("", max_length=MAX_NOTE)
    draft: bool = Field(False, description="drafted by `workbook draft`, not yet reviewed")
    confidence: float | None = Field(
        None, ge=0, le=1, description="the drafter's confidence in the mapping (0-1)"
    )
    because: dict[Annotated[str, Field(max_length=64)], Annotated[Text, Field(max_length=500)]] = (
        Field({}, max_length=32, description="parameter -> the article's words that set it")
    )

    def files_in_params(self) -> list[tuple[str, str]]:
        """``(parameter, file)`` for every snapshot file the parameters name."""
        return _files_in(self.params.model_dump())

    def with_proxy(self, rel: str, proxy: Proxy) -> Claim:
        """The claim with ``proxy`` standing in for the file ``rel``: every parameter naming
        ``rel`` or one of the proxy's mapped series names the proxy's instead, and the proxy's
        own parameters set. Raises ``ValueError`` when the result is not valid parameters."""
        swapped = _swap(self.params.model_dump(), {rel: proxy.file, **proxy.series})
        params = type(self.params).model_validate({**swapped, **proxy.params})
        data = [proxy.file if f == rel else f for f in self.data]
        data += [f for f in proxy.files() if f not in data]
        return self.model_copy(update={"params": params, "data": data})

    def proxy_files(self) -> list[str]:
        """Every file a proxy of this claim may read."""
        return list(dict.fromkeys(f for p in self.proxies.values() for f in p.files()))


def _files_in(params: dict, prefix: str = "") -> list[tuple[str, str]]:
    out = []
    for key, value in params.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out += _files_in(value, f"{name}.")
            continue
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, str) and FILE.match(item):
                out.append((name, item))
    return out


def _swap(value: Any, mapping: dict[str, str]) -> Any:
    """``value`` with every text that is a key of ``mapping`` replaced, at any depth."""
    if isinstance(value, str):
        return mapping.get(value, value)
    if isinstance(value, list | tuple):
        return [_swap(v, mapping) for v in value]
    if isinstance(value, dict):
        return {k: _swap(v, mapping) for k, v in value.items()}
    return value


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

    id: Id
    title: Text = Field(max_length=MAX_TEXT)
    source: Text = Field("", max_length=MAX_TEXT)
    outlet: Text = Field("", max_length=200, description="who published it (the corpus page)")
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
