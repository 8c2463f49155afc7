"""The HTTP API (`fashen serve`): FastAPI over the CLI's library calls (jobs.py), one worker process per core.

`create_app()` is the factory every worker calls (uvicorn spawns N processes, each opening the knowledge base
itself). Answers are the CLI's `--format json` objects; errors are JSON `{code, message}` with the CLI's Chinese
messages and the matching HTTP status (400 bad input, 401 no or wrong token, 404 not in the knowledge base,
413 too large, 422 malformed request, 500 configuration or internal error) — never a traceback.
"""

from __future__ import annotations

import functools
import logging
import os
from contextlib import asynccontextmanager
from typing import Annotated, Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, FastAPI, File, Form, Query, Request, UploadFile
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field, ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Receive, Scope, Send

from assistant import __version__
from assistant.answer import Conversation
from assistant.config import Settings, get_settings
from assistant.errors import FashenError, InputError, NotFound
from assistant.models import ReviewReport
from assistant.service import jobs
from assistant.service.auth import BearerAuth, Tokens

log = logging.getLogger("fashen.api")

DESCRIPTION = """法审助手的 HTTP 接口：法规检索、条文查询、问答、引用核查、合法性审查和意见书起草。

结果与命令行 `--format json` 的输出相同。配置了令牌（FASHEN_API__TOKENS）时，每个请求须带
`Authorization: Bearer <令牌>`；未配置时只接受本机请求。出错时返回 `{"code": …, "message": …}`。"""


# -- errors: JSON {code, message}, the CLI's messages ------------------------------------------------------------

def _error(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"code": code, "message": message}, status_code=status)


def _fashen_error(exc: FashenError) -> JSONResponse:
    if isinstance(exc, NotFound):
        return _error(404, "not_found", str(exc))
    if isinstance(exc, InputError):
        return _error(400, "bad_input", str(exc))
    code = "configuration" if getattr(exc, "exit_code", 1) == 3 else "error"
    return _error(500, code, str(exc))


def _too_large(settings: Settings) -> str:
    return (f"请求内容超过上限 {settings.api.max_upload_mb:g} MB，已拒绝。请压缩或拆分文件，或只上传正文部分"
            "（管理员可调整设置 api.max_upload_mb）。")


_FIELD = {"missing": "缺少该项", "string_type": "应为文字", "int_parsing": "应为整数", "json_invalid": "不是有效的 JSON",
          "less_than_equal": "过大", "greater_than_equal": "过小", "literal_error": "取值无效", "model_type": "格式不对",
          "dict_type": "应为 JSON 对象", "list_type": "应为列表", "enum": "取值无效"}


def _validation_message(errors: list[dict[str, Any]]) -> str:
    parts = []
    for e in errors[:5]:
        where = ".".join(str(x) for x in e.get("loc", ()) if x not in ("body", "query", "path", "form"))
        what = ("应为上传的文件（multipart，带文件名）" if "UploadFile" in str(e.get("msg"))
                else _FIELD.get(e.get("type", ""), f"格式不对（{e.get('msg', '')}）"))
        if e.get("type") in ("less_than_equal", "greater_than_equal", "literal_error", "enum"):
            what += f"（{e.get('msg', '')}）"
        parts.append(f"{where or '请求内容'}：{what}")
    more = f"等 {len(errors)} 处" if len(errors) > 5 else ""
    return f"请求不符合接口要求：{'；'.join(parts)}{more}。接口说明见 /docs。"


def _install_errors(app: FastAPI, settings: Settings) -> None:
    @app.exception_handler(FashenError)
    async def fashen_error(request: Request, exc: FashenError) -> JSONResponse:
        return _fashen_error(exc)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        return _error(422, "invalid_request", _validation_message(list(exc.errors())))

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> JSONResponse:
        if exc.status_code == 413:
            return _error(413, "too_large", _too_large(settings))
        if exc.status_code == 404:
            return _error(404, "not_found", f"没有这个接口：{request.url.path}。接口列表见 /docs。")
        if exc.status_code == 405:
            return _error(405, "method_not_allowed", f"{request.url.path} 不接受 {request.method} 请求。接口说明见 /docs。")
        detail = str(exc.detail)
        if detail.startswith("Too many files"):
            return _error(413, "too_large", f"一次请求最多 {settings.api.max_files} 个文件（设置 api.max_files）。")
        return _error(exc.status_code if 400 <= exc.status_code < 500 else 400, "bad_request",
                      f"请求无法解析（{detail}）。接口说明见 /docs。")


class BodyLimit:
    """Refuses a request body over the limit with the JSON 413 — at once when Content-Length says so, else as soon
    as the bytes read pass it (a chunked upload is never read in full)."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.settings = settings
        self.max_bytes = int(settings.api.max_upload_mb * 2**20)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = dict(scope.get("headers", [])).get(b"content-length", b"")
        if length.isdigit() and int(length) > self.max_bytes:
            await _error(413, "too_large", _too_large(self.settings))(scope, receive, send)
            return
        total = 0

        async def limited() -> dict:
            nonlocal total
            message = await receive()
            total += len(message.get("body", b""))
            if total > self.max_bytes:
                raise HTTPException(413)
            return message

        await self.app(scope, limited, send)


class CatchAll:
    """The unexpected: one JSON line to the client, the traceback to the server's log only."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = False

        async def watch(message: dict) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, watch)
        except Exception as exc:
            if scope["type"] != "http" or started:
                raise
            log.error("unexpected error on %s", scope.get("path"), exc_info=True)
            await _error(500, "internal", f"内部错误：{type(exc).__name__}: {exc}（服务日志中有详情，请报告问题）")(
                scope, receive, send)


# -- request bodies ---------------------------------------------------------------------------------------------

class AskRequest(BaseModel):
    question: str = Field(description="法律问题", examples=["镇政府的文件能不能规定罚款？"])
    history: Conversation | None = Field(None, description="上一次回答返回的 history，用于追问（那规章呢？）")


class DraftRequest(BaseModel):
    report: ReviewReport = Field(description="/v1/review 返回的审查报告（或 fashen review -o 保存的 JSON）")
    format: Literal["docx", "md"] = Field("docx", description="docx（Word）或 md（Markdown）")
    office: str | None = Field(None, description="出具意见的机关，如 青禾县司法局；省略则按制定机关推断")


class CiteCheckText(BaseModel):
    text: str = Field(description="要核查引用的文字")
    date: str | None = Field(None, description="按该日施行的版本核对（YYYY-MM-DD）；默认取文字中的落款日期，没有则为今天")


_CITE_CHECK_BODY = {"requestBody": {"required": True, "content": {
    "application/json": {"schema": CiteCheckText.model_json_schema()},
    "multipart/form-data": {"schema": {"type": "object", "properties": {
        "file": {"type": "string", "format": "binary", "description": ".docx .pdf .txt .md .html"},
        "text": {"type": "string", "description": "或直接给出文字"},
        "date": {"type": "string", "description": "按该日施行的版本核对（YYYY-MM-DD）"}}}}}}}


def _read(upload: UploadFile) -> jobs.Upload:
    return jobs.Upload(upload.filename or "", upload.file.read())


def _attachment(name: str) -> str:
    return f"attachment; filename*=UTF-8''{quote(name)}"


# -- the app ----------------------------------------------------------------------------------------------------

def create_app(settings: Settings | None = None) -> FastAPI:
    """The API for one worker process (uvicorn calls this in each worker: `assistant.service.api:create_app`)."""
    settings = settings or get_settings()
    service = jobs.Service(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        try:
            await run_in_threadpool(service.warm_up)
        except FashenError as exc:  # the requests will say it too; the worker still starts and answers health
            log.warning("worker %s not warmed up: %s", os.getpid(), exc)
        yield

    app = FastAPI(title="法审助手 fashen API", version=__version__, description=DESCRIPTION, lifespan=lifespan,
                  form_limits={"max_files": settings.api.max_files, "max_fields": 20})
    app.add_middleware(CatchAll)
    app.add_middleware(BodyLimit, settings=settings)
    app.add_middleware(BearerAuth, tokens=Tokens(settings.api.tokens))  # outermost: a stranger's body is never read
    _install_errors(app, settings)
    app.include_router(_routes(service))
    return app


def _user(request: Request) -> str | None:
    return getattr(request.state, "user", None)


def _routes(service: jobs.Service) -> APIRouter:
    r = APIRouter(prefix="/v1")
    settings = service.settings

    @r.get("/health", summary="服务状态（无需令牌）")
    def health() -> dict[str, Any]:
        kb = service.kb()
        return {"status": "ok", "version": __version__, "pid": os.getpid(), "generation": kb.generation.name,
                "kb_fingerprint": kb.fingerprint, "embedder": kb.embedder_name}

    @r.get("/search", summary="检索法条（同 fashen search --format json）")
    def search(q: Annotated[str, Query(description="问题或条文引用，如 《行政处罚法》第十六条")],
               k: Annotated[int, Query(ge=1, le=100, description="返回条数")] = 10,
               mode: Annotated[str, Query(description="hybrid | lexical | dense")] = "hybrid",
               level: Annotated[list[str] | None, Query(description="按效力层级过滤，可重复")] = None,
               region: Annotated[list[str] | None, Query(description="按地区过滤，可重复")] = None,
               status: Annotated[list[str] | None, Query(description="按状态过滤，如 现行有效")] = None,
               instrument: Annotated[list[str] | None, Query(description="只在该法规内检索，可重复")] = None,
               ) -> dict[str, Any]:
        return jobs.search(service.kb(), q, k, mode=mode, level=level, region=region, status=status,
                           instrument=instrument)

    @r.get("/articles/{instrument}/{article}", summary="查询一条条文（全称、简称或别名；16、第十六条、第十条之一）")
    def article(instrument: str, article: str) -> dict[str, Any]:
        return jobs.article(service.kb(), instrument, article)

    @r.post("/ask", summary="问答（同 fashen ask --format json，另返回 history 供追问）")
    def ask(body: AskRequest, request: Request) -> dict[str, Any]:
        return jobs.ask(service, body.question, body.history, user=_user(request))

    @r.post("/cite-check", summary="核查引用（JSON {text}，或 multipart 的 file / text）", openapi_extra=_CITE_CHECK_BODY)
    async def cite_check(request: Request) -> dict[str, Any]:
        source, on = await _cite_check_source(request)
        return await run_in_threadpool(functools.partial(jobs.cite_check, service.kb(), source, settings, on=on))

    @r.post("/review", summary="合法性审查（同 fashen review --format json）")
    def review(request: Request,
               draft: Annotated[UploadFile, File(description="草案（.docx .pdf .txt .md .html）")],
               materials: Annotated[list[UploadFile] | None, File(description="随附材料，可多个")] = None,
               type: Annotated[str | None, Form(description="normative | major_decision；省略则自动判断")] = None,
               stage: Annotated[str | None, Form(description="审核（默认）| 备案")] = None,
               issuer: Annotated[str | None, Form(description="制定机关；省略则从草案推断")] = None,
               title: Annotated[str | None, Form(description="草案标题；省略则从草案推断")] = None,
               explain: Annotated[bool, Form(description="列出从每一条读出的措施及比对的上位法（同 --explain）")] = False,
               ) -> dict[str, Any]:
        from assistant.review.report import report_to_json_dict

        report = jobs.review(service, _read(draft), [_read(m) for m in materials or []], doc_type=type, stage=stage,
                             issuer=issuer, title=title, explain=explain, user=_user(request))
        return report_to_json_dict(report)

    @r.post("/draft", summary="起草合法性审查意见书（.docx 或 .md）", response_class=Response,
            responses={200: {"content": {"application/vnd.openxmlformats-officedocument.wordprocessingml.document": {},
                                         "text/markdown": {}}}})
    def draft(body: DraftRequest, request: Request) -> Response:
        data = jobs.opinion(body.report, body.format, office=body.office, settings=settings, user=_user(request))
        media = ("text/markdown; charset=utf-8" if body.format == "md"
                 else "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
        return Response(data, media_type=media, headers={"Content-Disposition": _attachment(f"意见书.{body.format}")})

    @r.get("/kb/stats", summary="知识库概况（同 fashen kb stats --format json）")
    def kb_stats() -> dict[str, Any]:
        return jobs.kb_stats(service.kb())

    return r


async def _cite_check_source(request: Request) -> tuple[jobs.Upload | str, str | None]:
    """The file or text a cite-check request carries (a form's file or text, or JSON {"text": …}), and its date."""
    ctype = request.headers.get("content-type", "")
    if ctype.startswith(("multipart/form-data", "application/x-www-form-urlencoded")):
        form = await request.form(max_files=1, max_fields=5)
        upload, text, on = form.get("file"), form.get("text"), form.get("date")
        on = on if isinstance(on, str) and on else None
        if upload is not None and not isinstance(upload, str):
            return jobs.Upload(upload.filename or "", await upload.read()), on
        if not isinstance(text, str):
            raise InputError("请上传文件（file）或给出文字（text）。")
        return text, on
    try:
        body = CiteCheckText.model_validate_json(await request.body())
    except ValidationError as exc:
        raise RequestValidationError(exc.errors()) from None
    return body.text, body.date
