"""Scans: start a site scan (queued to the workers), follow its progress, cancel it, read its report."""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from pydantic import BaseModel, Field
from sqlalchemy import func, select

from api import audit
from api.auth.principal import Principal
from api.deps import COMMON_RESPONSES, IdPath, principal, require_role
from scanner.findings import Severity
from scanner.store.models import FindingRow, Scan, Site, Ticket, utcnow

router = APIRouter(prefix="/v1/scans", tags=["scans"], responses=COMMON_RESPONSES)


class ScanBody(BaseModel):
    site: str = Field(..., min_length=1, max_length=200)
    maxPages: int | None = Field(None, ge=1, le=1_000_000)
    maxDepth: int = Field(20, ge=0, le=100)
    force: bool = Field(False, description="re-check unchanged pages too (after a ruleset change)")


def scan_out(scan: Scan, site_key: str | None) -> dict:
    return {"id": scan.id, "site": site_key, "kind": scan.kind, "status": scan.status, "ruleset": scan.ruleset,
            "startedAt": scan.started_at.isoformat() if scan.started_at else None,
            "finishedAt": scan.finished_at.isoformat() if scan.finished_at else None,
            "progress": {"pagesSeen": scan.pages_seen, "pagesChecked": scan.pages_checked,
                         "pagesUnchanged": scan.pages_unchanged, "errors": scan.errors}}


def _scan_or_404(s, who: Principal, scan_id: int) -> tuple[Scan, str]:
    found = s.execute(select(Scan, Site.key).join(Site, Site.id == Scan.site_id).where(Scan.id == scan_id)).first()
    if found is None or not who.can_site(found[1]):
        raise HTTPException(404, "no such scan")
    return found[0], found[1]


def enqueue_scan(scan_id: int) -> None:
    """Hand the scan to the workers (``workers.actors.seed_scan`` on the configured broker)."""
    try:
        from workers.broker import configure

        configure()  # CUOMIN_BROKER: redis:// (default), amqp:// or embedded
        from workers.actors import seed_scan

        seed_scan.send(scan_id)
    except Exception as exc:  # noqa: BLE001 - the broker is away: say so, the scan row stays queued
        raise HTTPException(503, f"the scan queue is not available ({type(exc).__name__})") from None


@router.post("", status_code=202, summary="Start a scan of a site (admin, reviewer)",
             responses={404: {"description": "unknown site"}, 503: {"description": "no scan workers"}})
def start_scan(body: ScanBody, request: Request, who: Principal = Depends(require_role("admin", "reviewer"))) -> dict:
    with request.app.state.ctx.db.session() as s:
        site_id = s.scalar(select(Site.id).where(Site.key == body.site))
        if site_id is None:
            raise HTTPException(404, "unknown site")
        base_url = s.scalar(select(Site.base_url).where(Site.id == site_id))
        checker = request.app.state.ctx.checkers.get(body.site)
        options = {"base_url": base_url, "max_pages": body.maxPages or 100_000, "max_depth": body.maxDepth,
                   "check_external": False, "force": body.force}
        scan = Scan(site_id=site_id, kind="crawl", status="seeding", options=options,
                    ruleset=checker.ruleset if checker else "", started_at=utcnow())
        s.add(scan)
        s.flush()
        audit.record(s, request, who, "scan.start", "scan", scan.id, site=body.site)
        scan_id = scan.id
    enqueue_scan(scan_id)
    with request.app.state.ctx.db.session() as s:
        return scan_out(s.get(Scan, scan_id), body.site)


@router.get("", summary="List scans, newest first")
def list_scans(request: Request, site: str | None = Query(None, max_length=200),
               limit: int = Query(20, ge=1, le=200), who: Principal = Depends(principal)) -> list[dict]:
    with request.app.state.ctx.db.session() as s:
        q = select(Scan, Site.key).join(Site, Site.id == Scan.site_id).order_by(Scan.id.desc()).limit(limit)
        if site:
            q = q.where(Site.key == site)
        return [scan_out(scan, key) for scan, key in s.execute(q).all() if who.can_site(key)]


@router.get("/{scan_id}", summary="A scan's progress", responses={404: {"description": "no such scan"}})
def get_scan(scan_id: IdPath, request: Request, who: Principal = Depends(principal)) -> dict:
    with request.app.state.ctx.db.session() as s:
        return scan_out(*_scan_or_404(s, who, scan_id))


@router.post("/{scan_id}/cancel", summary="Cancel a running scan (workers stop at the next page)",
             responses={404: {"description": "no such scan"}, 409: {"description": "scan already finished"}})
def cancel_scan(scan_id: IdPath, request: Request, who: Principal = Depends(require_role("admin", "reviewer"))) -> dict:
    with request.app.state.ctx.db.session() as s:
        scan, key = _scan_or_404(s, who, scan_id)
        if scan.status not in ("queued", "seeding", "running"):
            raise HTTPException(409, f"scan is {scan.status}")
        scan.status, scan.finished_at = "cancelled", utcnow()
        audit.record(s, request, who, "scan.cancel", "scan", scan_id)
        return scan_out(scan, key)


@router.get("/{scan_id}/report", summary="A scan's summary: findings by detector and severity, tickets opened",
            responses={404: {"description": "no such scan"}})
def scan_report(scan_id: IdPath, request: Request, who: Principal = Depends(principal)) -> dict:
    with request.app.state.ctx.db.session() as s:
        scan, key = _scan_or_404(s, who, scan_id)
        rows = s.execute(select(FindingRow.detector, FindingRow.severity, func.count()).where(
            FindingRow.scan_id == scan_id).group_by(FindingRow.detector, FindingRow.severity)).all()
        tickets = s.scalar(select(func.count(func.distinct(Ticket.id))).join(
            FindingRow, FindingRow.ticket_id == Ticket.id).where(FindingRow.first_scan_id == scan_id))
        return {**scan_out(scan, key),
                "findings": [{"detector": d, "severity": Severity(sev).label, "count": n} for d, sev, n in rows],
                "ticketsOpened": tickets or 0}
