"""Who is calling, and what they may see.

A CMS calls with an API key scoped to sites; a person signs in to the UI with a
role: ``admin`` (everything), ``reviewer`` (every unit's findings, tickets and
dictionary proposals) or ``operator`` (only their own unit's tickets).
"""

from __future__ import annotations

from dataclasses import dataclass, field

ROLES = ("admin", "reviewer", "operator")


@dataclass(slots=True)
class Principal:
    kind: str  # "key" | "user"
    id: int
    name: str
    role: str = "operator"
    unit: str | None = None  # unit name, for display
    unit_id: int | None = None
    sites: frozenset[str] | None = None  # None: every site
    rate_per_minute: int | None = None
    session_cookie: str | None = field(default=None, repr=False)

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def sees_all_units(self) -> bool:
        return self.role in ("admin", "reviewer")

    def can_site(self, site_id: str) -> bool:
        return self.sites is None or site_id in self.sites

    def can_unit(self, unit_id: int | None) -> bool:
        return self.sees_all_units or (self.unit_id is not None and unit_id == self.unit_id)

    @property
    def actor(self) -> str:
        """How the audit log names this principal."""
        return f"{self.kind}:{self.name}"
