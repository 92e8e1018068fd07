"""Everything a request handler shares, built once per app: DB, checkers, auth, limits, metrics, jobs."""

from __future__ import annotations

from dataclasses import dataclass

from api.auth.service import AuthService
from api.checkers import CheckerPool
from api.jobs import DocumentJobs
from api.metrics import Metrics
from api.ratelimit import RateLimiter
from api.rechecks import Rechecker
from api.settings import Settings
from api.sites import SiteDirectory


@dataclass
class AppContext:
    settings: Settings
    db: object
    sites: SiteDirectory
    checkers: CheckerPool
    auth: AuthService
    limiter: RateLimiter
    metrics: Metrics
    jobs: DocumentJobs
    rechecks: Rechecker

    @classmethod
    def build(cls, settings: Settings, db=None, detectors: list[str] | None = None) -> AppContext:
        if db is None:
            from scanner.store import open_db

            db = open_db(settings.db)
        sites = SiteDirectory(db)
        checkers = CheckerPool(sites, detectors=detectors)
        return cls(settings=settings, db=db, sites=sites, checkers=checkers, auth=AuthService(db, settings),
                   limiter=RateLimiter(), metrics=Metrics(), jobs=DocumentJobs(),
                   rechecks=Rechecker(db, sites, checkers))
