"""The YAML files cuomin ships (dictionaries, example site configurations) read the same with libyaml's
loader as with PyYAML's pure-Python one, and the fast loader is still a safe one."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from scanner.yamlfile import LOADER, safe_load

ROOT = Path(__file__).resolve().parent.parent
FILES = sorted(p for d in ("dictionaries", "examples") for p in (ROOT / d).rglob("*.y*ml"))


def test_libyaml_is_used():
    assert yaml.__with_libyaml__ and LOADER is yaml.CSafeLoader


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_same_data_as_the_pure_python_loader(path):
    text = path.read_text(encoding="utf-8")
    assert safe_load(text) == yaml.safe_load(text)


def test_no_python_objects():
    with pytest.raises(yaml.constructor.ConstructorError):
        safe_load("!!python/object/apply:os.system ['true']")
