"""The suite tests the artefact users install: the wheel in site-packages, not the sources."""

from __future__ import annotations

import importlib.util
import sysconfig
from pathlib import Path

import commissio


def test_imported_from_site_packages():
    site = Path(sysconfig.get_paths()["purelib"]).resolve()
    here = Path(commissio.__file__).resolve()
    assert site in here.parents, f"commissio was imported from {here}, not from {site}"
    assert "bindings" not in here.parts, "the source tree is importable; run pytest from bindings/python/tests"


def test_native_module_is_private_and_abi3():
    spec = importlib.util.find_spec("commissio._commissio")
    assert spec is not None and spec.origin is not None
    name = Path(spec.origin).name
    assert name.startswith("_commissio.") and ".abi3." in name, name


def test_typing_files_are_shipped():
    pkg = Path(commissio.__file__).parent
    assert (pkg / "py.typed").is_file()
    assert (pkg / "_commissio.pyi").is_file()


def test_public_names():
    for name in commissio.__all__:
        assert hasattr(commissio, name), name
    assert commissio.__version__.count(".") == 2
    assert issubclass(commissio.PlanError, commissio.CommissioError)
    assert issubclass(commissio.DataError, commissio.CommissioError)
    assert issubclass(commissio.EvalError, commissio.CommissioError)
    assert issubclass(commissio.PeriodError, commissio.CommissioError)
    assert issubclass(commissio.InternalError, commissio.CommissioError)
    assert issubclass(commissio.CommissioError, Exception)
