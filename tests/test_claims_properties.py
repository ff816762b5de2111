"""Whatever a claims file holds, ``load_claims`` returns a Registry or raises a ClaimsError of
one printable line of bounded length: never another exception (hypothesis property tests).

Three sources of files: arbitrary bytes; YAML-ish text built line by line from a grammar of
claims-file fragments (keys, hostile scalars, anchors, tags, brackets, stray characters); and
the toy registry of tests/test_claims.py with one value replaced or lines spliced in, which gets
past the YAML to the models.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.claims import Registry, load_claims
from analysis.errors import ClaimsError
from tests.test_claims import BASE

BOUND = 600  # characters of a message after the file's name
QUICK = settings(
    max_examples=200,
    deadline=None,
    database=None,  # no .hypothesis folder in the project
    suppress_health_check=[HealthCheck.too_slow],
)
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")  # all but \n and \t
TOY_LINES = yaml.safe_dump(BASE, sort_keys=False).splitlines()

KEYS = [
    "article", "claims", "id", "title", "source", "as_of", "theme", "text", "kind", "data",
    "params", "series", "column", "date", "stated", "tolerance", "window", "start", "end", "note",
    "proxies", "forecast", "leaders", "benchmark", "colour", "<<", "? [a, b]", "? {a: 1}", "&k id",
    "*k", '"\\e[2J"', "'x'", "1", "null", "yes", "", "-",
]  # fmt: skip
SCALARS = [
    "c1", "level_on_date", "sector_leadership", "index_levels", "prices/^RUT.csv",
    "prices/KRE.csv", "fred/DFF.csv", "2026-01-02", "2026-02-30", "0.005", "-1", "2508.22",
    ".inf", "-.inf", ".nan", "1.0e+999", "'nan'", "0b_", "0x_", "0o7", "1_000", "1:30", "9" * 5000,
    "~", "null", "yes", "on", "=", "<<", "''", '"\\e[2J"', '"\\x9b"', '"\\ud800"', '"\\0"',
    '"\\N\\L\\P"', "|", ">-", "!!str x", "!x y", "!!binary aGk=", "!!python/name:os.system",
    "!!set {a}", "!!timestamp 2026-01-02", "&a x", "*a", "&a [*a]", "[a, b]", "{a: 1}",
    "[prices/^RUT.csv]", "{start: 2025-12-02, end: 2026-01-02}", "[", "]", "{", "}", "? x", ":",
    "- x", "#", "%YAML 1.1", "---", "...", "@", "`", "x" * 300,
]  # fmt: skip
STRAY = ["\t", "\0", "\x1b", "\r", "\x85", "\u2028", "\ufeff", "\xe9", "\x7f", '"', "'", "\\"]

scalar = st.sampled_from(SCALARS) | st.text(max_size=6) | st.sampled_from(STRAY)
line = st.builds(
    lambda indent, dash, key, value: " " * indent + ("- " if dash else "") + key + value,
    st.integers(0, 8),
    st.booleans(),
    st.sampled_from(KEYS).map(lambda k: f"{k}: ") | st.just(""),
    scalar,
)
grammar_text = st.lists(line, max_size=40).map("\n".join)


@st.composite
def toy_with_a_value_replaced(draw) -> str:
    """The toy registry with the value of one of its ``key: value`` lines replaced."""
    lines = list(TOY_LINES)
    keyed = [i for i, text in enumerate(lines) if re.match(r"^\s*(- )?[a-z_]+: \S", text)]
    i = draw(st.sampled_from(keyed))
    head = lines[i][: lines[i].index(": ") + 2]
    lines[i] = head + draw(scalar)
    return "\n".join(lines) + "\n"


@st.composite
def toy_with_lines_spliced(draw) -> str:
    """The toy registry with a few grammar lines in place of, or beside, some of its own."""
    lines = list(TOY_LINES)
    at = draw(st.integers(0, len(lines)))
    drop = draw(st.integers(0, 2))
    lines[at : at + drop] = draw(st.lists(line, min_size=1, max_size=4))
    return "\n".join(lines) + "\n"


def loads_or_one_line(path: Path) -> None:
    """The property: a Registry whose free texts carry no control character, or one line."""
    try:
        registry = load_claims(path)
    except ClaimsError as exc:
        message = str(exc)
        assert message.splitlines() == [message], message
        assert message.isprintable(), message
        assert message.startswith(str(path)), message
        assert len(message) - len(str(path)) <= BOUND, message
        return
    assert isinstance(registry, Registry)
    texts = [registry.article.title, registry.article.source]
    texts += [t for c in registry.claims for t in (c.text, c.note)]
    for text in texts:
        assert not CONTROL.search(text), text


@pytest.fixture(scope="module")
def claims_path(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("properties") / "claims.yaml"


@QUICK
@given(data=st.binary(max_size=2_000))
def test_arbitrary_bytes(claims_path, data):
    claims_path.write_bytes(data)
    loads_or_one_line(claims_path)


@QUICK
@given(data=st.binary(max_size=200))
def test_the_toy_registry_with_arbitrary_bytes_in_it(claims_path, data):
    toy = "\n".join(TOY_LINES).encode()
    claims_path.write_bytes(toy[:150] + data + toy[150:])
    loads_or_one_line(claims_path)


@QUICK
@given(text=grammar_text)
def test_yaml_built_from_claims_file_fragments(claims_path, text):
    claims_path.write_text(text, encoding="utf-8", errors="surrogatepass")
    loads_or_one_line(claims_path)


@QUICK
@given(text=toy_with_a_value_replaced())
def test_the_toy_registry_with_a_value_replaced(claims_path, text):
    claims_path.write_text(text, encoding="utf-8", errors="surrogatepass")
    loads_or_one_line(claims_path)


@QUICK
@given(text=toy_with_lines_spliced())
def test_the_toy_registry_with_lines_spliced_in(claims_path, text):
    claims_path.write_text(text, encoding="utf-8", errors="surrogatepass")
    loads_or_one_line(claims_path)


def test_the_toy_registry_itself_loads(claims_path):
    claims_path.write_text("\n".join(TOY_LINES) + "\n")
    assert [c.id for c in load_claims(claims_path).claims] == ["c1", "c2"]
