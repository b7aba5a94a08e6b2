"""Make ``tests/`` importable so test modules can ``from factories import ...``."""

import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).parent))
