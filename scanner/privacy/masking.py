"""How personal values are shown (masked) and when a published value counts as masked enough.

``mask(kind, value)`` is the only display form a personal value ever takes
outside the original document.  ``policy(profile)`` gives the de-identification
rule a site applies to values it publishes (去标识化): how many leading and
trailing characters may stay visible, and, for resident IDs, that the eight
birth-date digits must be hidden.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

MASK_CHARS = frozenset("*＊×xX●○#·")


@dataclass(frozen=True, slots=True)
class MaskPolicy:
    """Visible leading/trailing characters allowed per kind of value."""

    name: str
    limits: Mapping[str, tuple[int, int]]

    def allows(self, kind: str, lead: int, trail: int, birth_hidden: bool = True) -> bool:
        """True when a value showing ``lead`` + ``trail`` characters is masked enough."""
        max_lead, max_trail = self.limits.get(kind, self.limits.get("default", (0, 0)))
        if kind in ("id", "permit") and not birth_hidden:
            return False
        return lead <= max_lead and trail <= max_trail

    def describe(self, kind: str) -> str:
        lead, trail = self.limits.get(kind, self.limits.get("default", (0, 0)))
        extra = "，出生日期 8 位须隐去" if kind in ("id", "permit") else ""
        return f"{self.name} 规则：最多显示前 {lead} 位和后 {trail} 位{extra}"


_BASE = {"id": (6, 4), "permit": (6, 4), "old_id": (6, 3), "phone": (3, 4), "bank": (6, 4),
         "landline": (4, 4), "default": (1, 1)}
PROFILES: dict[str, MaskPolicy] = {
    "default": MaskPolicy("default", _BASE),
    "strict": MaskPolicy("strict", {**_BASE, "id": (2, 3), "permit": (2, 3), "old_id": (2, 3)}),
}


def policy(profile: str | Mapping[str, Any] | None) -> MaskPolicy:
    """A named profile, or a custom one given as ``{"name": ..., "id": [6, 4], ...}`` over the defaults."""
    if profile is None:
        return PROFILES["default"]
    if isinstance(profile, str):
        try:
            return PROFILES[profile]
        except KeyError:
            raise ValueError(f"unknown mask profile {profile!r}; use one of {', '.join(PROFILES)}") from None
    limits = dict(_BASE)
    for k, v in profile.items():
        if k != "name":
            limits[k] = (int(v[0]), int(v[1]))
    return MaskPolicy(str(profile.get("name", "custom")), limits)


def exposure(value: str) -> tuple[int, int, list[int]]:
    """(visible leading chars, visible trailing chars, indices of all visible chars) of a masked value."""
    visible = [i for i, ch in enumerate(value) if ch not in MASK_CHARS or (ch in "xX" and i == len(value) - 1
                                                                            and i > 0 and value[i - 1] not in MASK_CHARS)]
    shown = set(visible)
    lead = 0
    while lead < len(value) and lead in shown:
        lead += 1
    trail = 0
    while trail < len(value) - lead and (len(value) - 1 - trail) in shown:
        trail += 1
    return lead, trail, visible


def _keep(value: str, lead: int, trail: int, star: str = "*") -> str:
    if len(value) <= lead + trail:
        return star * len(value)
    return value[:lead] + star * (len(value) - lead - trail) + (value[-trail:] if trail else "")


def mask(kind: str, value: str) -> str:
    """The display form of a personal value (never enough to re-identify anyone).

    IDs show 4 + 4 characters (birth date hidden), phones 3 + 4, bank cards 4 + 4, landlines 4 + 2,
    e-mail the first character and the domain, names the surname, addresses only
    their last unit character (组/号/室); anything else one leading character.
    """
    if not value:
        return value
    if kind in ("id", "old_id", "permit", "id_rounded"):
        return _keep(value, 4, 4)
    if kind == "phone":
        return _keep(value, 3, 4)
    if kind == "landline":
        return _keep(value, 4, 2)
    if kind == "bank":
        return _keep(value, 4, 4)
    if kind == "email":
        local, _, domain = value.partition("@")
        return (local[:1] + "***@" + domain) if domain else _keep(value, 1, 0)
    if kind == "name":
        from scanner.privacy.surnames import surname_of

        sur = surname_of(value)
        return sur + "*" * max(1, len(value) - len(sur))
    if kind == "address":
        return "****" + value[-1:]  # only the unit type (组/号/室) is shown
    if kind == "health":
        return "[健康/救助信息]"
    return _keep(value, 1, 0)


def mask_text(text: str, profile: str = "default") -> str:
    """``text`` with every personal value the privacy detector finds replaced by its masked form.

    A safety net for free text that may leave the scanner (log lines, error
    messages, report notes).
    """
    from scanner.detectors.privacy import PrivacyDetector
    from scanner.document import Document
    from scanner.pipeline import Analysis
    from scanner.site import SiteConfig

    det = PrivacyDetector({"mask_profile": profile, "report_masked": False})
    # every value on its own (hits, not findings: a column finding would stand for many values)
    found = sorted((det.finding(h) for h in det.hits(Analysis(Document.from_text(text), SiteConfig()))),
                   key=lambda f: f.start)
    out, pos = [], 0
    for f in found:
        if f.start < pos:
            continue
        out.append(text[pos:f.start])
        out.append(f.keyword)
        pos = f.end
    out.append(text[pos:])
    return "".join(out)
