"""Package list derived from the tree: every folder with an ``__init__.py`` under the root packages
installs as ``tradejournal.<path>`` (pyproject.toml holds everything else). A new subpackage such
as ``producers/telegram/`` is therefore never missing from a wheel (tested)."""

import os

from setuptools import setup

ROOTS = ("events", "store", "projections", "producers", "cli")


def _packages() -> dict[str, str]:
    found: dict[str, str] = {}
    for root in ROOTS:
        for folder, subfolders, files in os.walk(root):
            subfolders[:] = sorted(d for d in subfolders if d != "__pycache__")
            if "__init__.py" in files:
                found["tradejournal." + folder.replace(os.sep, ".")] = folder.replace(os.sep, "/")
    return found


PACKAGES = _packages()
setup(packages=list(PACKAGES), package_dir=PACKAGES)
