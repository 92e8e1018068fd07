"""The reviewer UI (Chinese): server-rendered pages; actions go through the JSON API with the
session's CSRF token (``static/app.js``)."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import UTC, timedelta
from pathlib import Path

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from sqlalchemy import select

from api import charts
from api.auth import sessions
from api.auth.principal import Principal
from api.routers.dictionaries import files as dictionary_files
from api.routers.findings import query_findings
from api.routers.tickets import ticket_detail, ticket_out
from api.scoping import findings_query, ticket_or_404, tickets_query
from scanner.findings import Severity
from scanner.store.models import FindingRow, Site, Ticket, Unit, utcnow
from scanner.tickets import sla
from scanner.tickets.states import STATE_NAMES

router = APIRouter(prefix="/ui", include_in_schema=False)
templates = Jinja2Templates(directory=Path(__file__).resolve().parent.parent / "templates")
templates.env.globals["STATE_NAMES"] = STATE_NAMES
templates.env.globals["SEVERITY_NAMES"] = charts.SEVERITY_NAMES
ROLE_NAMES = {"admin": "管理员", "reviewer": "审核员", "operator": "单位联络员"}
templates.env.globals["ROLE_NAMES"] = ROLE_NAMES
ACTION_NAMES = {"created": "发现问题，创建工单", "assign": "分派", "fix": "标记已整改", "recheck": "发起复核",
                "pass": "复核通过", "fail": "复核未通过", "reappear": "问题再次出现", "false_positive": "标记误报",
                "accept_risk": "接受风险", "reactivate": "重新激活", "comment": "评论", "escalate": "超时督办",
                "extend": "延长时限", "recheck_error": "复核失败（页面无法访问）"}
templates.env.globals["ACTION_NAMES"] = ACTION_NAMES


def beijing(value: str | None, seconds: bool = False) -> str:
    """An ISO timestamp (UTC when it has no zone) as Beijing time, the way the units read it."""
    from datetime import datetime

    if not value:
        return ""
    at = datetime.fromisoformat(value)
    at = at if at.tzinfo else at.replace(tzinfo=UTC)
    return at.astimezone(sla.CHINA).strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")


templates.env.filters["beijing"] = beijing


class _Login(Exception):
    pass


def _user(request: Request) -> Principal:
    cookie = request.cookies.get(sessions.COOKIE)
    who = request.app.state.ctx.auth.session_principal(cookie) if cookie else None
    if who is None:
        raise _Login()
    return who


def _render(request: Request, name: str, who: Principal | None, **data) -> HTMLResponse:
    csrf = sessions.csrf_token(request.app.state.ctx.settings.secret, who.session_cookie) if who else ""
    return templates.TemplateResponse(request, name, {"who": who, "csrf": csrf, **data})


def _guard(handler):
    """Redirect to the sign-in page when there is no valid session."""
    import functools

    @functools.wraps(handler)
    def wrapper(request: Request, *a, **kw):
        try:
            return handler(request, *a, **kw)
        except _Login:
            return RedirectResponse(f"/ui/login?next={request.url.path}", status_code=303)
    return wrapper


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, next: str = "/ui/") -> HTMLResponse:
    return _render(request, "login.html", None, next=next if next.startswith("/ui") else "/ui/", error=None)


@router.post("/login")
def login_submit(request: Request, username: str = Form(..., max_length=150), password: str = Form(..., max_length=500),
                 next: str = Form("/ui/")) -> Response:
    from api.routers.users import start_session

    target = next if next.startswith("/ui") and not next.startswith("//") else "/ui/"
    response = RedirectResponse(target, status_code=303)
    if start_session(request, response, username, password) is None:
        page = _render(request, "login.html", None, next=target, error="用户名或密码错误")
        page.status_code = 401
        return page
    return response


@router.post("/logout")
def logout(request: Request, csrf_token: str = Form("")) -> Response:
    cookie = request.cookies.get(sessions.COOKIE)
    if not sessions.csrf_ok(request.app.state.ctx.settings.secret, cookie, csrf_token):
        raise HTTPException(403, "CSRF token missing or wrong")
    response = RedirectResponse("/ui/login", status_code=303)
    response.delete_cookie(sessions.COOKIE, path="/")
    return response


@router.get("/", response_class=HTMLResponse)
@_guard
def dashboard(request: Request) -> HTMLResponse:
    who = _user(request)
    with request.app.state.ctx.db.session() as s:
        units = dict(s.execute(select(Unit.id, Unit.name)).all())
        tickets = s.scalars(tickets_query(s, who)).all()
        active = [t for t in tickets if t.state in ("open", "assigned", "reopened", "fixed", "rechecking")]
        by_unit: dict[str, Counter] = defaultdict(Counter)
        for t in active:
            by_unit[units.get(t.unit_id, "未指定单位")][Severity(t.severity).label] += 1
        rows = sorted(by_unit.items(), key=lambda kv: -sum(kv[1].values()))
        done = [t for t in tickets if t.fixed_at or t.closed_at]
        met = sum(1 for t in done if sla.met(t.due_at, t.fixed_at or t.closed_at))
        overdue = sum(1 for t in active if t.state in ("open", "assigned", "reopened") and sla.met(t.due_at, None) is False)
        since = utcnow() - timedelta(days=30)
        firsts = s.scalars(findings_query(s, who).with_only_columns(FindingRow.first_seen).where(
            FindingRow.first_seen >= since)).all()
        per_day = Counter(f.date().isoformat() for f in firsts if f)
        days = [(since + timedelta(days=i + 1)).date().isoformat() for i in range(30)]
        order = ["veto", "high", "medium", "low", "info"]
        return _render(request, "dashboard.html", who,
                       chart_units=charts.stacked_bars([(u, dict(c)) for u, c in rows], order, "待整改工单（按单位、严重程度）"),
                       chart_sla=charts.gauge(met, len(done), "整改按时率"),
                       chart_time=charts.columns([(d, per_day.get(d, 0)) for d in days], "近30天新发现问题"),
                       counts={"active": len(active), "overdue": overdue, "closed": sum(t.state == "closed" for t in tickets),
                               "findings30": len(firsts)})


@router.get("/findings", response_class=HTMLResponse)
@_guard
def findings_page(request: Request, status: str = "untriaged", severity: str | None = None,
                  site: str | None = None) -> HTMLResponse:
    who = _user(request)
    with request.app.state.ctx.db.session() as s:
        total, items = query_findings(s, who, site=site or None, severity=severity or None,
                                      status=status if status in ("untriaged", "triaged") else None, limit=100)
        unit_names = [n for (n,) in s.execute(select(Unit.name).order_by(Unit.name)).all()]
    for item in items:
        a = item["excerptStart"]
        b = a + len(item["keyword"])
        ex = item["excerpt"]
        item["before"], item["hit"], item["after"] = ex[:a], ex[a:b], ex[b:]
    return _render(request, "findings.html", who, items=items, total=total, status=status, units=unit_names,
                   can_triage=who.role in ("admin", "reviewer"))


@router.get("/tickets", response_class=HTMLResponse)
@_guard
def tickets_page(request: Request, state: str = "active") -> HTMLResponse:
    who = _user(request)
    with request.app.state.ctx.db.session() as s:
        q = tickets_query(s, who)
        if state == "active":
            q = q.where(Ticket.state.in_(("open", "assigned", "reopened", "fixed", "rechecking")))
        elif state in STATE_NAMES:
            q = q.where(Ticket.state == state)
        units = dict(s.execute(select(Unit.id, Unit.name)).all())
        sites = dict(s.execute(select(Site.id, Site.key)).all())
        items = [ticket_out(t, units, sites) for t in s.scalars(q.order_by(Ticket.severity.desc(), Ticket.id).limit(200))]
    return _render(request, "tickets.html", who, items=items, state=state)


@router.get("/tickets/{ticket_id}", response_class=HTMLResponse)
@_guard
def ticket_page(request: Request, ticket_id: int) -> HTMLResponse:
    who = _user(request)
    with request.app.state.ctx.db.session() as s:
        t = ticket_detail(s, ticket_or_404(s, who, ticket_id))
    return _render(request, "ticket.html", who, t=t)


@router.get("/dictionaries", response_class=HTMLResponse)
@_guard
def dictionaries_page(request: Request) -> HTMLResponse:
    who = _user(request)
    from api.routers.dictionaries import store
    from scanner.ruleset import ruleset_version

    pending = [p.to_dict() for p in store(request).list("pending")] if who.role in ("admin", "reviewer") else []
    return _render(request, "dictionaries.html", who, files=dictionary_files(), version=ruleset_version([]),
                   proposals=pending)


@router.get("/ledger", response_class=HTMLResponse)
@_guard
def ledger_page(request: Request) -> HTMLResponse:
    who = _user(request)
    with request.app.state.ctx.db.session() as s:
        sites = [k for (k,) in s.execute(select(Site.key).order_by(Site.key)).all() if who.can_site(k)]
    return _render(request, "ledger.html", who, sites=sites)


root = APIRouter(include_in_schema=False)


@root.get("/")
def home() -> RedirectResponse:
    return RedirectResponse("/ui/", status_code=307)
