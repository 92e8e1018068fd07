"""Dictionaries: the data files with their version, and the review of proposed entries.

Proposals (an allow-list phrase a reviewer wants added after a false positive) are
kept by :mod:`scanner.detectors.sensitive.proposals`; approving one (by a second
person) writes it into the dictionary data with its provenance, which changes the
ruleset version, and the running checkers reload.
"""

from __future__ import annotations

import hashlib
from typing import Literal

from fastapi import APIRouter, Depends, HTTPException, Request
from pydantic import BaseModel, Field
from sqlalchemy import select

from api import audit
from api.auth.principal import Principal
from api.deps import COMMON_RESPONSES, principal, require_role
from scanner.ruleset import DICTIONARY_ROOT, dictionary_files, ruleset_version

router = APIRouter(prefix="/v1/dictionaries", tags=["dictionaries"], responses=COMMON_RESPONSES)



class ProposalBody(BaseModel):
    phrase: str = Field(..., min_length=2, max_length=200, description="the allow-list phrase, e.g. 慢性病")
    reason: str = Field(..., min_length=1, max_length=2000)
    findingId: int | None = Field(None, ge=1, le=2**31 - 1, description="the finding it suppresses")


class DecisionBody(BaseModel):
    note: str | None = Field(None, max_length=2000, description="approve: a note; reject: the reason (required)")


def store(request: Request):
    from scanner.detectors.sensitive.proposals import ProposalStore

    s = request.app.state.ctx.settings
    return ProposalStore(s.proposals_dir, s.dictionary_dir)


def files() -> list[dict]:
    out = []
    for path in dictionary_files():
        data = path.read_bytes()
        lines = [ln for ln in data.decode("utf-8", "replace").splitlines() if ln.strip() and not ln.startswith("#")]
        out.append({"path": path.relative_to(DICTIONARY_ROOT).as_posix(), "bytes": len(data),
                    "sha256": hashlib.sha256(data).hexdigest()[:16], "lines": len(lines)})
    return out


@router.get("", summary="Dictionary files with their sizes and hashes, and the data version")
def list_dictionaries(request: Request, who: Principal = Depends(principal)) -> dict:
    return {"version": ruleset_version([]), "files": files()}


@router.get("/version", summary="The dictionary data version and the ruleset of each loaded site checker")
def version(request: Request, who: Principal = Depends(principal)) -> dict:
    checkers = request.app.state.ctx.checkers
    return {"data": ruleset_version([]),
            "sites": {k: c.ruleset for k, (_v, c) in list(checkers._checkers.items()) if who.can_site(k)}}


@router.get("/proposals", summary="Allow-list proposals (pending first)")
def list_proposals(request: Request, status: Literal["pending", "approved", "rejected"] | None = None,
                   who: Principal = Depends(require_role("admin", "reviewer"))) -> list[dict]:
    return [p.to_dict() for p in store(request).list(status)]


@router.post("/proposals", status_code=201, summary="Propose an allow-list phrase (takes effect only when approved)")
def propose(body: ProposalBody, request: Request, who: Principal = Depends(require_role("admin", "reviewer"))) -> dict:
    from scanner.detectors.sensitive.proposals import ProposalError
    from scanner.store.models import FindingRow, Site

    keyword = rule = fingerprint = site = None
    if body.findingId is not None:
        with request.app.state.ctx.db.session() as s:
            row = s.get(FindingRow, body.findingId)
            if row is None:
                raise HTTPException(404, "no such finding")
            if row.detector != "sensitive":
                raise HTTPException(400, "allow-list proposals are for sensitive-wording findings")
            keyword, rule, fingerprint = row.keyword, row.rule, row.fingerprint
            site = s.scalar(select(Site.key).where(Site.id == row.site_id))
    try:
        p = store(request).propose(body.phrase, reason=body.reason, proposer=who.name, keyword=keyword, rule=rule,
                                   fingerprint=fingerprint, site=site)
    except ProposalError as exc:
        raise HTTPException(400, str(exc)) from None
    with request.app.state.ctx.db.session() as s:
        audit.record(s, request, who, "dictionary.propose", "proposal", p.id, phrase=p.phrase)
    return p.to_dict()


@router.post("/proposals/{proposal_id}/{decision}", summary="Approve or reject a proposal (not its proposer)",
             responses={409: {"description": "already decided, or the proposer deciding"}})
def decide(proposal_id: str, decision: Literal["approve", "reject"], request: Request,
           body: DecisionBody | None = None, who: Principal = Depends(require_role("admin", "reviewer"))) -> dict:
    from scanner.detectors.sensitive.proposals import ProposalError

    st = store(request)
    note = (body.note if body else None) or None
    try:
        st.get(proposal_id)
    except ProposalError:
        raise HTTPException(404, "no such proposal") from None
    try:
        if decision == "approve":
            p = st.approve(proposal_id, who.name, note)
        else:
            if not note:
                raise HTTPException(400, "a rejection needs a reason (note)")
            p = st.reject(proposal_id, who.name, note)
    except ProposalError as exc:
        raise HTTPException(409, str(exc)) from None
    reloaded = request.app.state.ctx.checkers.reload() if decision == "approve" else False
    with request.app.state.ctx.db.session() as s:
        audit.record(s, request, who, f"dictionary.{decision}", "proposal", proposal_id, phrase=p.phrase,
                     reloaded=reloaded)
    return {**p.to_dict(), "rulesetChanged": reloaded, "dataVersion": ruleset_version([])}
