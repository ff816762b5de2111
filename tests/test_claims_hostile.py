"""A hostile claims file: each one is refused fast with one short line naming what is wrong
(in ``load_claims`` and through ``workbook claims``), or, for escape sequences in free text,
loads with them stripped. Never a traceback, never a hang."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from analysis.claims import load_claims
from analysis.claims.loader import MAX_BYTES, MAX_DEPTH, MAX_NODES
from analysis.cli import main
from analysis.errors import ClaimsError
from analysis.kinds import KINDS
from analysis.kinds.params import ParamsBase, Window
from tests.conftest import PROJECT
from tests.test_claims import BASE

TOY = yaml.safe_dump(BASE, sort_keys=False)  # claims c1 (level_on_date) and c2 (sector_leadership)
BOUND = 600  # characters of any message after the file's name (the loader's promise)


def _replace(old: str, new: str) -> bytes:
    assert old in TOY, old
    return TOY.replace(old, new, 1).encode()


def _laughs() -> bytes:
    """Billion laughs: nine levels of nine aliases each, 10**9 "lol"s once expanded."""
    lines = ["lol: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]" for i in range(1, 9)]
    return ("\n".join(lines) + "\n").encode()


LATIN1 = _replace("A toy article", "Un article caf\xe9").decode().encode("latin-1")
EARNINGS = """\
article: {id: toy, title: A toy article, as_of: 2026-01-02}
claims:
  - id: e1
    theme: earnings
    text: growth of 17-22% against 14-15%
    kind: earnings_forecast
    data: [user/eps.csv]
    params:
      file: user/eps.csv
      small_estimate: a
      large_estimate: b
      small_actual: c
      large_actual: d
      year: 2026
      stated_small: [0.17, .inf]
      stated_large: [0.14, 0.15]
      as_of: 2026-01-02
"""

# (id, file bytes, a pattern the one line matches after "<file>" )
HOSTILE = [
    ("billion-laughs", _laughs(), r": line 1: not valid YAML \(anchor &l0: YAML anchors and "),
    (
        "billion-laughs-as-a-kind",
        _laughs() + _replace("kind: level_on_date", "kind: *l8"),
        r": line 1: not valid YAML \(anchor &l0: YAML anchors and aliases are not allowed\)$",
    ),
    ("alias-alone", b"article: *ref\nclaims: []\n", r": line 1: .*alias \*ref: YAML aliases are"),
    (
        "deep-flow-20000",
        b"[" * 20_000 + b"]" * 20_000,
        rf": line 1: .*nested deeper than {MAX_DEPTH}",
    ),
    (
        "deep-block-30",
        "".join(f"{'  ' * i}k{i}:\n" for i in range(30)).encode(),
        r": line 21: .*nested deeper than 20",
    ),
    (
        "a-megabyte-of-values",
        b"claims: [" + b"1," * 500_000 + b"1]\n",
        rf": line 1: not valid YAML \(more than {MAX_NODES} keys and values, expected a few",
    ),
    ("latin-1", LATIN1, rf": line 3: not UTF-8 text \(byte 0xE9 at offset {LATIN1.index(0xE9)}\)$"),
    ("utf-16", TOY.encode("utf-16"), r": line 1: not UTF-8 text \(byte 0xFF at offset 0\)$"),
    ("unhashable-key", b"? [a, b] : 1\n", r": line 1: .*a key is a list or a mapping"),
    (
        "unhashable-key-in-a-claim",
        _replace("  kind: level", "  ? {a: 1} : 1\n  kind: level"),
        r": line 9: not valid YAML \(a key is a list or a mapping, expected a plain value\)$",
    ),
    ("id-300-chars", _replace("id: c1", "id: " + "a" * 300), r" claim #1: id: .*at most 64 char"),
    ("theme-65-chars", _replace("theme: index_levels", "theme: " + "t" * 65), r" claim c1: them"),
    ("inf-tolerance", _replace("tolerance: 0.005", "tolerance: .inf"), r" claim c1: params.tolera"),
    ("nan-stated", _replace("stated: 2508.22", "stated: .nan"), r" claim c1: params.stated: .*fi"),
    ("inf-as-text", _replace("stated: 2508.22", "stated: '-inf'"), r" claim c1: params.stated: "),
    ("inf-overflowing", _replace("stated: 2508.22", "stated: 1.0e+999"), r" claim c1: params.stat"),
    ("inf-in-a-tuple", EARNINGS.encode(), r" claim e1: params.stated_small.1: .*finite number$"),
    ("file-of-2-MB", TOY.encode() + b"#" * 2_000_000, rf": claims file is larger than {MAX_BYTES}"),
    ("nul-character", _replace("toy", "t\0y"), r": line 2: not valid YAML \(character '\\x00'"),
    ("python-tag", b"a: !!python/object/apply:os.system [ls]\n", r": line 1: .*tag !!python/"),
    ("int-tag", _replace("stated: 2508.22", "stated: !!int abc"), r": line 15: .*tag !!int is"),
    ("binary-int", _replace("stated: 2508.22", "stated: 0b_"), r": line 15: .*cannot read '0b_'"),
    ("int-of-5000-digits", _replace("stated: 2508.22", "stated: " + "9" * 5000), r": line 15: "),
    ("duplicate-key", _replace("    stated: 2508", "    stated: 1\n    stated: 2508"), ": line 16"),
    (
        "key-of-1000-chars-with-escapes",
        _replace("  kind: level", '  "a\\nb\\e[2J' + "k" * 1000 + '": 1\n  kind: level'),
        r" claim c1: a\\nb\\x1b\[2Jk+\.\.\.: unknown key$",
    ),
    ("id-with-a-newline", _replace("id: c1", 'id: "c\\n1"'), r" claim #1: id: String should match"),
    (
        "kind-of-5000-items",
        _replace("kind: level_on_date", "kind: [" + "x, " * 5000 + "x]"),
        r" claim c1: kind: Input should be a valid string$",
    ),
    (
        "unknown-kind-of-1000-chars",
        _replace("kind: level_on_date", "kind: " + "z" * 1000),
        r" claim c1: unknown check kind 'z{80}\.\.\.', expected one of ",
    ),
    (
        "escape-in-a-data-file",
        _replace("data:\n  - prices/^RUT.csv", 'data:\n  - "prices/\\e[2J.csv"'),
        r" claim c1: data file 'prices/\\x1b\[2J\.csv' is not <fred",
    ),
    (
        "escape-in-a-parameter",
        _replace("    stated: 2508.22", '    stated: 2508.22\n    column: "Cl\\e[2Jose"'),
        r" claim c1: params.column: Value error, control character '\\x1b' in column",
    ),
    ("title-of-3000-chars", _replace("A toy article", "x" * 3000), r": article.title: .*at most 2"),
    ("article-id-with-a-slash", _replace("id: toy", "id: ../../etc"), r": article.id: String sh"),
]


def _path(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / "claims.yaml"
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(("data", "pattern"), [pytest.param(d, p, id=i) for i, d, p in HOSTILE])
def test_a_hostile_file_is_one_short_line_fast(tmp_path, data, pattern):
    path = _path(tmp_path, data)
    start = time.perf_counter()
    with pytest.raises(ClaimsError) as excinfo:
        load_claims(path)
    assert time.perf_counter() - start < 1  # the slowest, a megabyte of values, takes 0.2 s
    message = str(excinfo.value)
    assert message.splitlines() == [message] and message.isprintable()
    assert message.startswith(str(path))
    assert len(message) - len(str(path)) <= BOUND, message
    assert re.match(re.escape(str(path)) + pattern, message), message


def test_billion_laughs_fails_at_once_with_a_short_message(tmp_path):
    path = _path(tmp_path, _laughs())
    start = time.perf_counter()
    with pytest.raises(ClaimsError) as excinfo:
        load_claims(path)
    assert time.perf_counter() - start < 0.1
    assert str(excinfo.value) == (
        f"{path}: line 1: not valid YAML (anchor &l0: YAML anchors and aliases are not allowed)"
    )


@pytest.mark.parametrize(("data", "pattern"), [pytest.param(d, p, id=i) for i, d, p in HOSTILE])
def test_a_hostile_file_through_the_cli_exits_2_with_one_line(tmp_path, data, pattern):
    path = _path(tmp_path, data)
    result = CliRunner().invoke(main, ["claims", "--claims", str(path)])
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"workbook: {path}"), lines
    assert re.match(re.escape(f"workbook: {path}") + pattern, lines[0]), lines[0]


# ------------------------------------------------------------------ escapes in free text
ESCAPES = (
    '"closed at \\e[2J2,508.22\\e]0;pwned\\a\\r\\x9b31m \\x85\\0\\ud800\\e[1;31m!\\e[0m\\ttoday\\n"'
)


def test_escape_sequences_in_free_text_are_stripped(tmp_path):
    data = _replace("text: closed at 2,508.22", f"text: {ESCAPES}")
    data = data.replace(b"title: A toy article", b'title: "A toy\\e[2J article\\x07"')
    data = data.replace(b"- id: c2", b'- id: c2\n  note: "\\e[?1049hnote"')
    registry = load_claims(_path(tmp_path, data))
    assert registry.claims[0].text == "closed at 2,508.22 !\ttoday\n"
    assert registry.article.title == "A toy article"
    assert registry.claims[1].note == "note"


def test_a_text_that_is_only_escapes_is_empty_and_refused(tmp_path):
    path = _path(tmp_path, _replace("text: closed at 2,508.22", 'text: "\\e[2J"'))
    with pytest.raises(ClaimsError, match=r"claim c1: text: String should have at least 1 char"):
        load_claims(path)


def test_escape_sequences_in_text_never_reach_the_terminal(tmp_path):
    data = _replace("text: closed at 2,508.22", f"text: {ESCAPES}")
    path = _path(tmp_path, data.replace(b"A toy article", b'"A toy\\e[2J article"'))
    demo = str(PROJECT / "data" / "demo")
    for args in (["claims"], ["check", "--snapshot", demo]):
        result = CliRunner().invoke(main, [*args, "--claims", str(path)])
        assert result.exit_code == 0, result.output
        assert "A toy article" in result.stdout
        assert "\x1b" not in result.output and "\x9b" not in result.output


# ------------------------------------------------------------------ finite numbers everywhere
def test_every_parameter_model_refuses_inf_and_nan():
    models = {kind.params for kind in KINDS.values()} | {Window}
    for model in models:
        assert issubclass(model, ParamsBase)
        assert model.model_config["allow_inf_nan"] is False, model


@pytest.mark.parametrize("value", [float("inf"), float("-inf"), float("nan"), "nan", "Infinity"])
def test_a_float_parameter_refuses_a_non_finite_value(value):
    params = KINDS["level_on_date"].params
    good = {"series": "prices/^RUT.csv", "date": "2026-01-02", "stated": 1.0, "tolerance": 0.1}
    with pytest.raises(ValueError, match=r"stated\n.*finite number"):
        params.model_validate({**good, "stated": value})
    with pytest.raises(ValueError, match=r"tolerance\n.*finite number"):
        params.model_validate({**good, "tolerance": value})


def test_a_file_that_grows_past_the_cap_while_read_is_refused(tmp_path, monkeypatch):
    path = _path(tmp_path, TOY.encode() + b"#" * (MAX_BYTES + 10))
    real_stat = Path.stat

    def small_stat(self, *args, **kwargs):  # the size a system reports before the file grows
        st = real_stat(self, *args, **kwargs)
        return type("Stat", (), {"st_size": 10, "st_mode": st.st_mode})() if self == path else st

    monkeypatch.setattr(Path, "stat", small_stat)
    with pytest.raises(ClaimsError, match=f"larger than {MAX_BYTES} bytes"):
        load_claims(path)


def test_an_unreadable_or_unnameable_path_is_one_line(tmp_path):
    long = tmp_path / ("x" * 300 + ".yaml")  # longer than a file name may be
    with pytest.raises(ClaimsError, match=r": (claims file does not exist|cannot read the claims)"):
        load_claims(long)
    with pytest.raises(ClaimsError, match=r"t\\x00y\.yaml: (claims file does not|cannot read)"):
        load_claims(f"{tmp_path}/t\0y.yaml")
    odd = tmp_path / "a\nb\x1b[2J.yaml"
    with pytest.raises(ClaimsError) as excinfo:
        load_claims(odd)
    assert str(excinfo.value).splitlines() == [str(excinfo.value)]
    assert str(excinfo.value).endswith("a\\nb\\x1b[2J.yaml: claims file does not exist")
