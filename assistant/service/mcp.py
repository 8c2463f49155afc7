"""The MCP server (`fashen mcp`): fashen's jobs as tools and the knowledge base as resources for LLM clients
(Claude Desktop, Cherry Studio, Dify …), over stdio or streamable HTTP, with the official `mcp` SDK (MCPServer).

Tools return the CLI's JSON objects (jobs.py); a failure the user can act on comes back as the tool's error text
(the CLI's Chinese message), never a traceback. Drafts and materials arrive as text: a client reads the user's
files, the server never opens a path it is given.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ResourceError, ResourceNotFoundError, ToolError
from mcp.types import ToolAnnotations
from pydantic import BaseModel, Field

from assistant import __version__
from assistant.config import Settings
from assistant.errors import FashenError, NotFound
from assistant.service import jobs

INSTRUCTIONS = """法审助手（fashen）：中国法律法规检索与行政规范性文件、重大行政决策的合法性审查。
检索法条用 search_law，查看条文原文用 get_article，核查一段文字中的法条引用用 check_citations，
审查草案用 review_document（草案和材料以文字给出），起草合法性审查意见书用 draft_opinion。
每个结果中的法条引用都经知识库核实；回答用户时请引用返回的条文原文，不要编造条文。"""

READ_ONLY = ToolAnnotations(read_only_hint=True, open_world_hint=False)
F = TypeVar("F", bound=Callable[..., Any])


class DocumentText(BaseModel):
    """A material given as text, with its file name (the name tells its kind: 起草说明, 征求意见情况 …)."""

    name: str = Field(description="文件名，如 起草说明.docx、公开征求意见情况.md")
    text: str = Field(description="文件的文字内容")


def _tool_errors(fn: F) -> F:
    """A FashenError becomes the tool's error text (the CLI's message), shown to the model as is."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except FashenError as exc:
            raise ToolError(str(exc)) from None

    return wrapper  # type: ignore[return-value]


def _as_text_file(name: str, default: str) -> str:
    """A text sent under a file's name is read as text: a name that is not .txt/.md gets .txt added."""
    name = (name or "").strip() or default
    return name if Path(name).suffix.lower() in (".txt", ".md") else name + ".txt"


def _dossier(draft: str, draft_name: str, materials: list[DocumentText] | None) -> tuple[jobs.Upload, list[jobs.Upload]]:
    up = jobs.Upload(_as_text_file(draft_name, "草案.txt"), draft.encode("utf-8"))
    return up, [jobs.Upload(_as_text_file(m.name, "材料.txt"), m.text.encode("utf-8")) for m in materials or []]


DraftText = Annotated[str, Field(description="草案全文（文字）")]
DraftName = Annotated[str, Field(description="草案文件名，用于报告中显示")]
Materials = Annotated[list[DocumentText] | None, Field(description="随附材料：起草说明、征求意见情况、公平竞争审查表、会议纪要等")]
DocTypeArg = Annotated[str | None, Field(description="normative（行政规范性文件）| major_decision（重大行政决策）；省略则自动判断")]
StageArg = Annotated[str | None, Field(description="审核（出台前，默认）| 备案（已印发文件的备案审查）")]
IssuerArg = Annotated[str | None, Field(description="制定机关，如 青禾县人民政府；省略则从草案推断")]
TitleArg = Annotated[str | None, Field(description="草案标题；省略则从草案推断")]


def build_server(settings: Settings | None = None) -> MCPServer:
    """The MCP server over this process's knowledge base."""
    service = jobs.Service(settings)
    server = MCPServer("fashen", title="法审助手", version=__version__, instructions=INSTRUCTIONS,
                       website_url=None, log_level="WARNING")

    @server.tool(title="检索法条", annotations=READ_ONLY)
    @_tool_errors
    def search_law(query: Annotated[str, Field(description="问题或条文引用，如 镇政府的文件能不能规定罚款、《行政处罚法》第十六条")],
                   k: Annotated[int, Field(ge=1, le=50, description="返回条数")] = 5,
                   level: Annotated[list[str] | None, Field(description="只看这些效力层级，如 法律、行政法规、地方性法规")] = None,
                   region: Annotated[list[str] | None, Field(description="只看这些地区的地方性规定")] = None,
                   ) -> dict[str, Any]:
        """检索法律法规条文（关键词与语义混合检索，并能直接定位“《…》第N条”）。返回条文原文、效力层级和状态。"""
        return jobs.search(service.kb(), query, k, level=level, region=region)

    @server.tool(title="查看条文", annotations=READ_ONLY)
    @_tool_errors
    def get_article(instrument: Annotated[str, Field(description="法规名称：全称、简称或别名，如 行政处罚法")],
                    article: Annotated[str, Field(description="条号：16、第十六条 或 第十条之一")],
                    ) -> dict[str, Any]:
        """查看某部法规某一条的原文（含各款）、所在章节、效力层级和状态。"""
        return jobs.article(service.kb(), instrument, article)

    @server.tool(title="核查法条引用", annotations=READ_ONLY)
    @_tool_errors
    def check_citations(text: Annotated[str, Field(description="含法条引用的文字")],
                        date: Annotated[str | None, Field(description="按该日施行的版本核对（YYYY-MM-DD）；"
                                                           "默认取文字中的落款日期，没有则为今天")] = None,
                        ) -> dict[str, Any]:
        """核查文字中每一处法条引用：法规是否存在、是否已废止、条文是否存在、引文是否一致（按当日施行的版本）。"""
        return jobs.cite_check(service.kb(), text, service.settings, on=date)

    @server.tool(title="合法性审查", annotations=READ_ONLY)
    @_tool_errors
    def review_document(draft: DraftText, draft_name: DraftName = "草案.txt", materials: Materials = None,
                        doc_type: DocTypeArg = None, stage: StageArg = None, issuer: IssuerArg = None,
                        title: TitleArg = None) -> dict[str, Any]:
        """审查行政规范性文件或重大行政决策草案：缺失的程序（P.*）和违法条款（C.*），每项含位置、原文、
        经核实的法律依据和修改建议。结果与 fashen review --format json 相同。"""
        from assistant.review.report import report_to_json_dict

        up, mats = _dossier(draft, draft_name, materials)
        return report_to_json_dict(jobs.review(service, up, mats, doc_type=doc_type, stage=stage, issuer=issuer,
                                               title=title))

    @server.tool(title="起草审查意见书", annotations=READ_ONLY)
    @_tool_errors
    def draft_opinion(draft: DraftText, draft_name: DraftName = "草案.txt", materials: Materials = None,
                      doc_type: DocTypeArg = None, stage: StageArg = None, issuer: IssuerArg = None,
                      title: TitleArg = None,
                      office: Annotated[str | None, Field(description="出具意见的机关，如 青禾县司法局；省略则推断")] = None,
                      ) -> str:
        """审查草案并起草合法性审查意见书（Markdown）：审查依据、审查意见（一）（二）…、审查结论和落款。"""
        up, mats = _dossier(draft, draft_name, materials)
        report = jobs.review(service, up, mats, doc_type=doc_type, stage=stage, issuer=issuer, title=title)
        return jobs.opinion(report, "md", office=office, settings=service.settings).decode("utf-8")

    @server.resource("fashen://instruments", name="instruments", title="知识库中的法规",
                     description="知识库收录的全部法规：名称、效力层级、状态、地区、条文数", mime_type="application/json")
    def list_instruments() -> list[dict[str, Any]]:
        return _resource(lambda: jobs.instruments(service.kb()))

    @server.resource("fashen://instruments/{title}", name="instrument", title="法规全文",
                     description="一部法规的全文（Markdown），title 为全称、简称或别名", mime_type="text/markdown")
    def instrument(title: str) -> str:
        return _resource(lambda: jobs.instrument_text(service.kb(), title))

    return server


def _resource(fn: Callable[[], Any]) -> Any:
    try:
        return fn()
    except NotFound as exc:
        raise ResourceNotFoundError(str(exc)) from None
    except FashenError as exc:
        raise ResourceError(str(exc)) from None
