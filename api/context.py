"""Everything a request handler shares, built once per app: DB, checkers, auth, limits, metrics, jobs."""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from api.auth.service import AuthService
from api.checkers import CheckerPool
from api.checkrun import ProcessChecks
from api.jobs import DocumentJobs
from api.metrics import Metrics
from api.ratelimit import RateLimiter
from api.rechecks import Rechecker
from api.settings import Settings
from api.sites import SiteDirectory

log = logging.getLogger("cuomin.api")



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
    check_pool: ThreadPoolExecutor = field(default=None)  # type: ignore[assignment]
    check_processes: ProcessChecks | None = None

    def __post_init__(self) -> None:
        if self.check_pool is None:
            self.check_pool = ThreadPoolExecutor(max_workers=self.settings.check_threads,
                                                 thread_name_prefix="cuomin-check")
        if self.check_processes is None and self.settings.check_processes > 0:
            self.check_processes = ProcessChecks(self.settings.check_processes, self.checkers.detectors)

    def warm_up(self) -> int:
        """Build every enabled site's checker and check a sample text with it; returns how many."""
        done = 0
        for cfg in self.sites.all_configs():
            try:
                checker = self.checkers.get(cfg.id)
                if checker is not None:
                    checker.warm_up()
                    done += 1
            except Exception as exc:  # noqa: BLE001 - a site that cannot load is reported by its first request
                log.warning("warm-up of site %s failed: %s", cfg.id, type(exc).__name__)
        return done

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
