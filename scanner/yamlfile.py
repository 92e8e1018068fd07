"""Reading YAML data files (dictionaries, site configurations) with libyaml's parser.

PyYAML's wheels carry libyaml; its ``CSafeLoader`` builds the same Python objects as the pure-Python
``SafeLoader`` (same safe constructors) about ten times faster — the typo confusables alone took
≈ 0.11 s to parse in every process that starts a checker.  Without libyaml, the pure-Python loader.
"""

from __future__ import annotations

from typing import Any

import yaml

LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def safe_load(stream) -> Any:
    """``yaml.safe_load`` with libyaml when available: plain data only, no Python objects."""
    return yaml.load(stream, Loader=LOADER)  # noqa: S506 - a safe loader
