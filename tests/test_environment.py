"""environment.yml (conda) and pyproject.toml (pip) must name the same dependencies."""

from __future__ import annotations

import re
import tomllib

import yaml
from packaging.requirements import Requirement

from tests.conftest import PROJECT

# conda-forge spells a few packages differently from PyPI
CONDA_NAMES = {"pyyaml": "pyyaml"}


def _pip_requirements() -> dict[str, str]:
    meta = tomllib.loads((PROJECT / "pyproject.toml").read_text())["project"]
    reqs = [*meta["dependencies"], *meta["optional-dependencies"]["test"]]
    return {Requirement(r).name.lower(): str(Requirement(r).specifier) for r in reqs}


def _conda_requirements() -> dict[str, str]:
    env = yaml.safe_load((PROJECT / "environment.yml").read_text())
    out = {}
    for dep in env["dependencies"]:
        if isinstance(dep, str):
            name, spec = re.match(r"^([A-Za-z0-9_.\-]+)\s*(.*)$", dep).groups()
            out[name.lower()] = spec.replace(" ", "")
    return out


def test_every_pip_dependency_is_in_environment_yml_with_the_same_bound():
    conda = _conda_requirements()
    for name, spec in _pip_requirements().items():
        conda_name = CONDA_NAMES.get(name, name)
        assert conda_name in conda, f"{name} is in pyproject.toml but not in environment.yml"
        assert conda[conda_name] == spec, (
            f"{name}: pyproject says {spec!r}, conda {conda[conda_name]!r}"
        )


def test_environment_yml_names_nothing_that_pyproject_does_not():
    extra = set(_conda_requirements()) - set(_pip_requirements()) - {"python", "pip"}
    assert not extra, f"environment.yml names {sorted(extra)}, which pyproject.toml does not"


def test_environment_yml_installs_the_project_itself_and_the_same_python():
    env = yaml.safe_load((PROJECT / "environment.yml").read_text())
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert "-e ." in pip_section
    requires = tomllib.loads((PROJECT / "pyproject.toml").read_text())["project"]["requires-python"]
    assert _conda_requirements()["python"] == requires
