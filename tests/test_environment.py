"""environment.yml (conda) and pyproject.toml (pip) must pin the same packages at the same versions."""

from __future__ import annotations

import re
import tomllib

import yaml

from extract.config import REPO_DIR

# conda-forge spells some packages differently from PyPI.
CONDA_TO_PYPI = {"dask": "dask[distributed]", "distributed": "dask[distributed]"}


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _pyproject_pins() -> dict[str, str]:
    project = tomllib.loads((REPO_DIR / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    specs = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        specs += extra
    pins = {}
    for spec in specs:
        name, sep, version = spec.partition("==")
        assert sep, f"pyproject.toml: {spec!r} is not pinned exactly"
        pins[_norm(name)] = version
    return pins


def _environment_pins() -> dict[str, str]:
    env = yaml.safe_load((REPO_DIR / "environment.yml").read_text(encoding="utf-8"))
    pins = {}
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            for spec in dep["pip"]:
                name, sep, version = spec.partition("==")
                assert sep, f"environment.yml pip: {spec!r} is not pinned exactly"
                pins[_norm(name)] = version
            continue
        name, _, version = dep.partition("=")
        if name in ("python", "pip"):
            continue
        assert version, f"environment.yml: {dep!r} is not pinned"
        pins[_norm(CONDA_TO_PYPI.get(name, name))] = version
    return pins


def test_environment_and_pyproject_agree():
    assert _environment_pins() == _pyproject_pins()


def test_pdfplumber_is_pinned_exactly():
    assert re.fullmatch(r"\d+\.\d+\.\d+", _pyproject_pins()["pdfplumber"])
