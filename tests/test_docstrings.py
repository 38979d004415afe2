"""Every docstring example in the package runs and shows what it says.

The modules are found by walking the package, so a new module's examples are run without
anyone listing it; a module whose source has examples but whose doctest finds none (a
docstring moved, an example turned into prose) fails too.
"""

from __future__ import annotations

import doctest
import importlib
import inspect
import pkgutil

import pytest

import tsp_analysis

MODULES = sorted(m.name for m in pkgutil.walk_packages(tsp_analysis.__path__, "tsp_analysis."))
WITH_EXAMPLES = [
    name for name in MODULES if ">>> " in inspect.getsource(importlib.import_module(name))
]


def test_the_package_has_examples_to_run():
    assert len(WITH_EXAMPLES) >= 40, WITH_EXAMPLES


@pytest.mark.parametrize("module", WITH_EXAMPLES)
def test_docstring_examples_run(module):
    mod = importlib.import_module(module)
    failures, attempted = doctest.testmod(mod, optionflags=doctest.ELLIPSIS, report=False)
    assert attempted > 0, f"{module} has '>>> ' in its source but doctest found no example"
    assert failures == 0, f"{failures} of {attempted} examples of {module} fail"
