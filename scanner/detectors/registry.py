"""The detector registry: names → classes, from entry points and in-process registration.

Built-in detectors are declared as entry points of the group ``cuomin.detectors``
in ``pyproject.toml``, the same way a third-party package adds one; entry points
are loaded only when a detector is asked for, to keep start-up fast.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from importlib import metadata
from typing import Any

from scanner.detectors.base import Detector

ENTRY_POINT_GROUP = "cuomin.detectors"


class UnknownDetector(KeyError):
    def __str__(self) -> str:
        return f"unknown detector {self.args[0]!r}"


class DetectorRegistry:
    def __init__(self, use_entry_points: bool = True):
        self._classes: dict[str, type[Detector]] = {}
        self._entry_points: dict[str, metadata.EntryPoint] | None = None if use_entry_points else {}

    def _eps(self) -> dict[str, metadata.EntryPoint]:
        if self._entry_points is None:
            self._entry_points = {ep.name: ep for ep in metadata.entry_points(group=ENTRY_POINT_GROUP)}
        return self._entry_points

    def register(self, cls: type[Detector] | None = None, *, name: str | None = None) -> Any:
        """Register a detector class (usable as a decorator)."""

        def add(klass: type[Detector]) -> type[Detector]:
            key = name or klass.name
            if not key:
                raise ValueError(f"{klass.__qualname__} has no name")
            if not (isinstance(klass, type) and issubclass(klass, Detector)):
                raise TypeError(f"{klass!r} is not a Detector subclass")
            self._classes[key] = klass
            return klass

        return add(cls) if cls is not None else add

    def unregister(self, name: str) -> None:
        self._classes.pop(name, None)

    def names(self) -> list[str]:
        """Every registered name, built-in order first (as declared), then the rest sorted.

        An entry point whose module is not importable (a plugin half-uninstalled) is
        left out with a warning rather than breaking every check.
        """
        import importlib.util
        import warnings

        present = []
        for name, ep in self._eps().items():
            try:
                found = importlib.util.find_spec(ep.module) is not None
            except (ImportError, ValueError):
                found = False
            if found:
                present.append(name)
            else:
                warnings.warn(f"detector {name!r}: module {ep.module} not found; skipped", RuntimeWarning)
        seen = dict.fromkeys(present)
        seen.update(dict.fromkeys(sorted(self._classes)))
        return list(seen)

    def get(self, name: str) -> type[Detector]:
        if name in self._classes:
            return self._classes[name]
        ep = self._eps().get(name)
        if ep is None:
            raise UnknownDetector(name)
        klass = ep.load()
        self.register(klass, name=name)
        return klass

    def create(self, name: str, config: Mapping[str, Any] | None = None) -> Detector:
        return self.get(name)(config)


registry = DetectorRegistry()
register: Callable[..., Any] = registry.register
