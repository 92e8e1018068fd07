"""Request and response models of the CMS check endpoints (the OpenAPI contract).

The shape follows the content-moderation APIs CMS integrators already know
(Tencent TMS, NetEase Yidun): a ``suggestion`` of pass/review/block, a risk level,
and labels holding the hits with their offsets.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

MAX_CONTENT = 200_000  # code points in one text
MAX_BATCH = 100

Suggestion = Literal["pass", "review", "block"]
RiskLevel = Literal["none", "info", "low", "medium", "high", "veto"]


class TextItem(BaseModel):
    model_config = ConfigDict(extra="forbid")
    dataId: str | None = Field(None, max_length=128, description="the caller's id of this text")
    content: str = Field(..., max_length=MAX_CONTENT)


class TextCheckRequest(BaseModel):
    """One text (``content``) or a batch (``texts``, at most 100) to check before publishing."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={
        "oneOf": [{"required": ["content"]}, {"required": ["texts"]}],
        "examples": [{
            "dataId": "article-2026-118", "site": "demo", "contentType": "text",
            "content": "根据国务院办公厅关于进一步优化政务服务的通知要求……", "title": "关于开展政务服务专项检查的通知",
        }]})

    dataId: str | None = Field(None, max_length=128)
    site: str = Field(..., min_length=1, max_length=64, description="registered site id the text is for")
    contentType: Literal["text", "html"] = "text"
    # Exactly one of content / texts (not null: leave the other one out).
    content: str = Field(None, max_length=MAX_CONTENT)  # type: ignore[assignment]
    texts: list[TextItem] = Field(None, min_length=1, max_length=MAX_BATCH)  # type: ignore[assignment]
    url: str | None = Field(None, max_length=2048, description="where the text will be published")
    title: str | None = Field(None, max_length=500)

    @model_validator(mode="after")
    def _one_of(self) -> TextCheckRequest:
        given = {"content", "texts"} & self.model_fields_set
        if len(given) != 1:
            raise ValueError("give exactly one of content or texts")
        return self


class Explanation(BaseModel):
    rule: str
    entry: str | None = None
    validator: str | None = None
    condition: str | None = None
    context: list[str] = []
    normalization: list[str] = []
    scores: dict[str, float] = {}


class Hit(BaseModel):
    keyword: str = Field(description="the matched text; personal data masked")
    start: int = Field(description="code-point offset, inclusive")
    end: int = Field(description="code-point offset, exclusive")
    utf16Start: int = Field(description="UTF-16 code-unit offset (JavaScript string index), inclusive")
    utf16End: int
    context: str = Field(description="the excerpt around the hit; personal data masked")
    rule: str
    severity: Literal["info", "low", "medium", "high", "veto"]
    suggestion: str | None = None
    explanation: Explanation | None = None
    location: dict[str, object] = {}


class Label(BaseModel):
    label: str = Field(description="the detector: sensitive, typo, privacy, redheader")
    subLabel: str = Field(description="the detector's category")
    hits: list[Hit]


class TextResult(BaseModel):
    dataId: str | None = None
    suggestion: Suggestion
    riskLevel: RiskLevel
    labels: list[Label]


class TextCheckResponse(BaseModel):
    requestId: str
    dataId: str | None = None
    suggestion: Suggestion
    riskLevel: RiskLevel
    labels: list[Label] = []
    results: list[TextResult] | None = Field(None, description="per text, when ``texts`` was sent")
    ruleset: str
    elapsedMs: float


class DocumentCheckResponse(BaseModel):
    requestId: str
    dataId: str | None = None
    status: Literal["done", "queued", "running", "failed"]
    jobId: str | None = None
    suggestion: Suggestion | None = None
    riskLevel: RiskLevel | None = None
    labels: list[Label] = []
    ruleset: str | None = None
    mediaType: str | None = None
    error: dict[str, str] | None = None
    elapsedMs: float | None = None


class ErrorBody(BaseModel):
    detail: str
