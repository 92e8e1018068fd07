"""Per-site configuration: which detectors run, with which options, and the site's own names."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scanner.findings import Severity


@dataclass(slots=True)
class SiteConfig:
    """How one site is checked.

    ``detectors`` maps a detector name to its options; ``{"enabled": false}``
    switches it off.  ``own_names`` are the site's organisation names (protected
    against near-miss misspellings and never reported as typos); ``allow`` are
    site-specific allow-list phrases.  ``block_at``/``review_at`` set the verdict
    thresholds.
    """

    id: str = "default"
    name: str = ""
    base_url: str | None = None
    detectors: dict[str, dict[str, Any]] = field(default_factory=dict)
    own_names: list[str] = field(default_factory=list)
    allow: list[str] = field(default_factory=list)
    mask_profile: str = "default"
    block_at: Severity = Severity.HIGH
    review_at: Severity = Severity.LOW
    # 栏目责任清单: [{"prefix": "/xxgk/", "name": "信息公开", "unit": "区政府办", "contacts": [...]}]
    columns: list[dict[str, Any]] = field(default_factory=list)
    default_unit: str | None = None
    # Explicitly allow fetching loopback/private addresses for this site (tests, intranet sites).
    allow_private_network: bool = False

    def column_for(self, url: str) -> dict[str, Any] | None:
        """The column whose URL prefix (a path, or a full URL) is the longest match for ``url``."""
        from urllib.parse import urlsplit

        path = urlsplit(url).path or "/"
        best: dict[str, Any] | None = None
        for col in self.columns:
            prefix = str(col.get("prefix", ""))
            target = url if "://" in prefix else path
            if target.startswith(prefix) and (best is None or len(prefix) > len(str(best.get("prefix", "")))):
                best = col
        return best

    def unit_for(self, url: str) -> str | None:
        col = self.column_for(url)
        return (col or {}).get("unit") or self.default_unit

    def enabled(self, detector: str) -> bool:
        return bool(self.detectors.get(detector, {}).get("enabled", True))

    def options(self, detector: str) -> dict[str, Any]:
        opts = {k: v for k, v in self.detectors.get(detector, {}).items() if k != "enabled"}
        opts.setdefault("own_names", list(self.own_names))
        opts.setdefault("allow", list(self.allow))
        opts.setdefault("mask_profile", self.mask_profile)
        return opts

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "SiteConfig":
        known = {f for f in cls.__dataclass_fields__}
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"unknown site setting(s): {', '.join(sorted(unknown))}")
        kw = dict(data)
        for key in ("block_at", "review_at"):
            if key in kw:
                kw[key] = Severity.parse(kw[key])
        return cls(**kw)

    @classmethod
    def load(cls, path: str | Path) -> "SiteConfig":
        from scanner.yamlfile import safe_load

        with open(path, encoding="utf-8") as fh:
            return cls.from_dict(safe_load(fh) or {})
