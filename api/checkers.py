"""One :class:`~scanner.pipeline.Checker` per site, built once and shared by requests.

Dictionaries load when a site's checker is first asked for; a changed site
configuration (its ``version`` key) builds a new checker.  ``reload()`` asks every
checker to pick up changed dictionary data (after a dictionary approval).
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from scanner.pipeline import Checker
from scanner.site import SiteConfig

SiteLoader = Callable[[str], "tuple[SiteConfig, str] | None"]  # site id → (config, version) or None


class CheckerPool:
    def __init__(self, loader: SiteLoader, detectors: list[str] | None = None):
        self.loader = loader
        self.detectors = detectors
        self._checkers: dict[str, tuple[str, Checker]] = {}
        self._lock = threading.Lock()
        self.generation = 0  # moves on with every reload(); checker processes reload when it does

    def get(self, site_id: str) -> Checker | None:
        loaded = self.loader(site_id)
        if loaded is None:
            return None
        site, version = loaded
        cached = self._checkers.get(site_id)
        if cached is not None and cached[0] == version:
            return cached[1]
        with self._lock:
            cached = self._checkers.get(site_id)
            if cached is None or cached[0] != version:
                cached = (version, Checker(site, detectors=self.detectors))
                self._checkers[site_id] = cached
        return cached[1]

    def reload(self) -> bool:
        self.generation += 1
        changed = False
        for _version, checker in list(self._checkers.values()):
            changed = checker.reload() or changed
        return changed
