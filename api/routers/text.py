"""``POST /v1/text/check``: the synchronous pre-publish check a CMS calls before publishing."""

from __future__ import annotations

import asyncio
import time

from fastapi import APIRouter, Depends, HTTPException, Request, Response
from starlette.concurrency import run_in_threadpool

from api.auth.principal import Principal
from api.checkrun import CheckInput, ContentError, run_check
from api.deps import COMMON_RESPONSES, require_key_or_staff
from api.schemas import TextCheckRequest, TextCheckResponse

router = APIRouter(prefix="/v1/text", tags=["check"], responses=COMMON_RESPONSES)

def _site(request: Request, who: Principal, site: str):
    """(site configuration, version), after the key's site scope is checked."""
    ctx = request.app.state.ctx
    if not who.can_site(site):
        ctx.metrics.refused.labels("site_scope").inc()
        raise HTTPException(403, f"this key may not check site {site!r}")
    loaded = ctx.sites(site)
    if loaded is None:
        raise HTTPException(404, f"unknown site {site!r}")
    return loaded


def _site_cached(request: Request, who: Principal, site: str):
    """``_site`` without leaving the event loop when the site directory's cache answers; None on a miss."""
    ctx = request.app.state.ctx
    hit = ctx.sites.cached(site)
    if hit is None:
        return None
    if not who.can_site(site):
        ctx.metrics.refused.labels("site_scope").inc()
        raise HTTPException(403, f"this key may not check site {site!r}")
    if hit[0] is None:
        raise HTTPException(404, f"unknown site {site!r}")
    return hit[0]


def checker_for(request: Request, who: Principal, site: str):
    """The site's checker in this process (after the scope check); the document check uses it."""
    loaded = _site(request, who, site)
    return request.app.state.ctx.checkers.get(loaded[0].id)


@router.post("/check", response_model=TextCheckResponse, response_model_exclude_none=True,
             summary="Check a text (or up to 100 texts) before publishing",
             responses={401: {"description": "no or invalid API key"}, 403: {"description": "site not in the key's scope"},
                        404: {"description": "unknown site"}, 422: {"description": "invalid request"},
                        429: {"description": "rate limit exceeded"}})
async def check_text(body: TextCheckRequest, request: Request,
                     who: Principal = Depends(require_key_or_staff)) -> Response:
    # The check is CPU-bound: it runs on the app's check thread or checker processes (first come,
    # first served), where the response is serialised too; the event loop only parses and sends.
    t0 = time.monotonic()
    ctx = request.app.state.ctx
    loop = asyncio.get_running_loop()
    try:
        if ctx.check_processes is not None:
            # a cache hit needs no thread hop; a miss reads the database on the thread pool
            loaded = _site_cached(request, who, body.site) or await run_in_threadpool(_site, request, who, body.site)
            site, version = loaded
            content, counts = await ctx.check_processes.check(site, version, ctx.checkers.generation,
                                                              CheckInput.of(body), t0)
        else:
            content, counts = await loop.run_in_executor(ctx.check_pool, _check_here, request, who, body, t0)
    except ContentError as exc:
        raise HTTPException(400, f"cannot read the content: {exc}") from None
    for suggestion, hits in counts:
        ctx.metrics.checks.labels("text", suggestion).inc()
        for label, n in hits.items():
            ctx.metrics.hits.labels(label).inc(n)
    return Response(content, media_type="application/json")


def _check_here(request: Request, who: Principal, body: TextCheckRequest, t0: float):
    return run_check(checker_for(request, who, body.site), CheckInput.of(body), t0)
