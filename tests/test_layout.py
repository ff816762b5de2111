"""The layout promises: one registry of kinds (and the README's reference generated from it), the
claims file's JSON Schema, short functions where the pipeline is orchestrated, small modules, and
a command line that starts without the heavy stack."""

from __future__ import annotations

import ast
import json
import subprocess
import sys

import jsonschema
import pytest
import yaml
from click.testing import CliRunner

from analysis.cli import main
from analysis.kinds import KINDS, reference_markdown
from analysis.kinds.params import ParamsBase
from tests.conftest import PROJECT

PACKAGE = PROJECT / "analysis"
START, END = "<!-- kinds:start -->", "<!-- kinds:end -->"


def test_every_kind_is_one_registered_unit_with_params_check_and_chart():
    import analysis.report.plots as plots

    assert {"change", "policy_decision", "level_on_date", "window_move"} <= set(KINDS)
    for name, kind in KINDS.items():
        assert kind.name == name
        assert issubclass(kind.params, ParamsBase)
        assert kind.check.__module__ == f"analysis.kinds.{name}"  # the check lives in its unit
        assert callable(getattr(plots, kind.chart)), f"{name}: no chart {kind.chart}"
        assert kind.decides and not kind.decides.endswith(".")


def test_the_readme_kinds_reference_is_generated_from_the_registry():
    readme = (PROJECT / "README.md").read_text(encoding="utf-8")
    assert readme.count(START) == 1 and readme.count(END) == 1
    shown = readme.split(START)[1].split(END)[0].strip() + "\n"
    assert shown == reference_markdown(), "regenerate it: python -m analysis.kinds README.md"
    for name in KINDS:
        assert f"| `{name}` |" in shown


def test_claims_schema_is_json_schema_that_the_shipped_claims_file_satisfies():
    result = CliRunner().invoke(main, ["claims", "--schema"])
    assert result.exit_code == 0, result.output
    schema = json.loads(result.stdout)
    jsonschema.Draft202012Validator.check_schema(schema)
    typed = yaml.safe_load((PROJECT / "data" / "claims" / "russell2000_2026.yaml").read_text())
    validator = jsonschema.Draft202012Validator(schema)
    assert typed["claims"] and list(validator.iter_errors(_dates_as_text(typed))) == []
    mapping = schema["properties"]["claims"]["items"]["discriminator"]["mapping"]
    assert sorted(mapping) == sorted(KINDS)


def test_the_schema_rejects_a_params_key_the_kind_does_not_have():
    schema = json.loads(CliRunner().invoke(main, ["claims", "--schema"]).stdout)
    claim = {"id": "x", "theme": "t", "text": "t", "kind": "level_on_date", "data": ["a"],
             "params": {"series": "s", "date": "2026-01-02", "stated": 1.0, "tolerance": 0.0,
                        "typo": 1}}  # fmt: skip
    doc = {"article": {"id": "a", "title": "A", "as_of": "2026-01-02"}, "claims": [claim]}
    errors = list(jsonschema.Draft202012Validator(schema).iter_errors(doc))
    assert errors and any("typo" in e.message for e in errors)


def _dates_as_text(value):
    if isinstance(value, dict):
        return {k: _dates_as_text(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_dates_as_text(v) for v in value]
    return value.isoformat() if hasattr(value, "isoformat") else value


LAYERS = ("cli.py", "run", "checks", "kinds", "claims", "snapshot/fetch/run.py")


def _functions(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            yield node


@pytest.mark.parametrize("layer", LAYERS)
def test_no_function_in_the_orchestration_cli_and_check_layers_passes_60_lines(layer):
    root = PACKAGE / layer
    files = [root] if root.suffix == ".py" else sorted(root.rglob("*.py"))
    long = [
        f"{p.relative_to(PROJECT)}:{f.name} ({f.end_lineno - f.lineno + 1} lines)"
        for p in files
        for f in _functions(p)
        if f.end_lineno - f.lineno + 1 > 60
    ]
    assert long == []


def test_modules_stay_small():
    sizes = {
        str(p.relative_to(PROJECT)): len(p.read_text(encoding="utf-8").splitlines())
        for p in PACKAGE.rglob("*.py")
    }
    assert {p: n for p, n in sizes.items() if n > 450} == {}


def test_the_command_line_starts_without_the_heavy_stack():
    code = (
        "import sys, analysis.cli; "
        "print(sorted(m for m in ('pandas', 'scipy', 'statsmodels', 'nbformat', 'matplotlib', "
        "'pandera', 'jsonschema') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_loading_claims_does_not_import_the_statistics():
    code = (
        "import sys; from analysis.claims import load_claims; load_claims(); "
        "print(sorted(m for m in ('scipy', 'statsmodels', 'matplotlib') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=PROJECT
    )
    assert out.stdout.strip() == "[]"
