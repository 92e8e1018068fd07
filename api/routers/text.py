"""``POST /v1/text/check``: the synchronous pre-publish check a CMS calls before publishing."""

from __future__ import annotations

import time
import uuid

from fastapi import APIRouter, Depends, HTTPException, Request

from api import checking
from api.auth.principal import Principal
from api.deps import COMMON_RESPONSES, require_key_or_staff
from api.schemas import TextCheckRequest, TextCheckResponse
from scanner.document import Document
from scanner.errors import CuominError
from scanner.findings import Severity

router = APIRouter(prefix="/v1/text", tags=["check"], responses=COMMON_RESPONSES)

_ORDER = ["pass", "review", "block"]


def checker_for(request: Request, who: Principal, site: str):
    if not who.can_site(site):
        request.app.state.ctx.metrics.refused.labels("site_scope").inc()
        raise HTTPException(403, f"this key may not check site {site!r}")
    checker = request.app.state.ctx.checkers.get(site)
    if checker is None:
        raise HTTPException(404, f"unknown site {site!r}")
    return checker


def _document(content: str, body: TextCheckRequest, source: str) -> Document:
    if body.contentType == "html":
        from scanner.extract import extract

        doc = extract(content.encode("utf-8"), source, content_type="text/html; charset=utf-8")
    else:
        doc = Document.from_text(content, source=source)
    if body.title and not doc.title:
        doc.title = body.title
    return doc


@router.post("/check", response_model=TextCheckResponse, response_model_exclude_none=True,
             summary="Check a text (or up to 100 texts) before publishing",
             responses={401: {"description": "no or invalid API key"}, 403: {"description": "site not in the key's scope"},
                        404: {"description": "unknown site"}, 422: {"description": "invalid request"},
                        429: {"description": "rate limit exceeded"}})
def check_text(body: TextCheckRequest, request: Request,
               who: Principal = Depends(require_key_or_staff)) -> dict:
    t0 = time.perf_counter()
    ctx = request.app.state.ctx
    checker = checker_for(request, who, body.site)
    source = body.url or f"cms:{body.dataId or '-'}"
    items = [(body.dataId, body.content)] if body.content is not None else \
        [(t.dataId, t.content) for t in body.texts or []]
    results = []
    for data_id, content in items:
        try:
            result = checker.check(_document(content or "", body, source))
        except CuominError as exc:
            raise HTTPException(400, f"cannot read the content: {exc.message}") from None
        one = checking.text_result(result, data_id)
        ctx.metrics.checks.labels("text", one["suggestion"]).inc()
        for label in one["labels"]:
            ctx.metrics.hits.labels(label["label"]).inc(len(label["hits"]))
        results.append(one)
    worst = max(results, key=lambda r: _ORDER.index(r["suggestion"]), default=None)
    risk = max((r["riskLevel"] for r in results), key=_risk_rank, default="none")
    out = {
        "requestId": uuid.uuid4().hex, "dataId": body.dataId,
        "suggestion": worst["suggestion"] if worst else "pass", "riskLevel": risk,
        "labels": results[0]["labels"] if body.content is not None else [],
        "ruleset": checker.ruleset, "elapsedMs": round((time.perf_counter() - t0) * 1000, 2),
    }
    if body.texts is not None:
        out["results"] = results
    return out


def _risk_rank(level: str) -> int:
    return -1 if level == "none" else int(Severity.parse(level))
