"""The MCP server end to end with the official SDK's own client: `fashen mcp` as a real process over stdio (what
Claude Desktop and Cherry Studio start), and over streamable HTTP with a token. Tools give the CLI's results."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import anyio
import pytest

from tests.service.conftest import (ROOT, canonical, cli_json, dev_cases, free_port, process_env, start, stop,
                                    wait_http)

TOOLS = {"search_law", "get_article", "check_citations", "review_document", "draft_opinion"}


def _text_case() -> Path | None:
    """A dev case whose draft and materials are all Markdown (sent to the tools as text)."""
    for case in dev_cases():
        spec = json.loads((case / "case.json").read_text(encoding="utf-8"))
        if all(n.endswith(".md") for n in [spec["draft"], *spec.get("materials", [])]):
            return case
    return None


def _as_arguments(case: Path) -> dict:
    spec = json.loads((case / "case.json").read_text(encoding="utf-8"))
    read = lambda n: (case / n).read_text(encoding="utf-8")  # noqa: E731
    return {"draft": read(spec["draft"]), "draft_name": Path(spec["draft"]).name,
            "materials": [{"name": Path(n).name, "text": read(n)} for n in spec.get("materials", [])],
            "doc_type": spec.get("doc_type"), "stage": spec.get("stage"), "issuer": spec.get("issuer"),
            "title": spec.get("title")}


async def _exercise(client, case: Path | None) -> dict:
    """Every tool and resource once; what came back."""
    got = {"tools": {t.name for t in (await client.list_tools()).tools}}
    r = await client.call_tool("search_law", {"query": "镇政府的文件能不能规定罚款", "k": 5})
    got["search"] = (r.is_error, r.structured_content)
    r = await client.call_tool("get_article", {"instrument": "行政处罚法", "article": "第十六条"})
    got["article"] = (r.is_error, r.structured_content)
    r = await client.call_tool("get_article", {"instrument": "行政处罚法", "article": "第二百条"})
    got["missing"] = (r.is_error, r.content[0].text)
    r = await client.call_tool("check_citations", {"text": "依据《中华人民共和国行政处罚法》第十六条和《行政许可法》第一百条。"})
    got["cites"] = (r.is_error, r.structured_content)
    if case is not None:
        r = await client.call_tool("review_document", _as_arguments(case))
        got["review"] = (r.is_error, r.structured_content)
        r = await client.call_tool("draft_opinion", _as_arguments(case) | {"office": "清源县司法局"})
        got["opinion"] = (r.is_error, r.content[0].text)
    got["resources"] = {str(x.uri) for x in (await client.list_resources()).resources}
    got["templates"] = {x.uri_template for x in (await client.list_resource_templates()).resource_templates}
    listing = await client.read_resource("fashen://instruments")
    got["instruments"] = json.loads(listing.contents[0].text)
    law = await client.read_resource("fashen://instruments/行政处罚法")
    got["law"] = law.contents[0].text
    return got


def test_mcp_over_stdio_with_the_sdk_client_gives_the_clis_results(in_small_kb, tmp_path):
    from mcp import Client
    from mcp.client.stdio import StdioServerParameters, stdio_client

    case = _text_case()
    params = StdioServerParameters(command=sys.executable, args=["-m", "assistant.cli", "mcp"],
                                   env=process_env(in_small_kb), cwd=str(ROOT))

    async def main() -> dict:
        # The server's stderr to a file of its own (stdio_client's default is the sys.stderr of when mcp was imported).
        with (tmp_path / "mcp.err").open("w") as errlog:
            async with Client(stdio_client(params, errlog=errlog), read_timeout_seconds=120) as client:
                return await _exercise(client, case)

    got = anyio.run(main)
    assert "Traceback" not in (tmp_path / "mcp.err").read_text()
    assert got["tools"] == TOOLS
    assert got["search"] == (False, cli_json("search", "镇政府的文件能不能规定罚款", "-k", "5"))
    error, article = got["article"]
    assert not error and article["instrument"] == "中华人民共和国行政处罚法" and article["article"] == "第十六条"
    assert got["missing"][0] and got["missing"][1].endswith("《中华人民共和国行政处罚法》共 86 条，没有第二百条。")
    error, cites = got["cites"]
    assert not error and [(c["text"], c["verified"]) for c in cites["citations"]] == [
        ("《中华人民共和国行政处罚法》第十六条", True), ("《行政许可法》第一百条", False)]
    if case is not None:
        error, report = got["review"]
        assert not error and canonical(report) == canonical(cli_json("review", str(case)))
        error, opinion = got["opinion"]
        assert not error and opinion.startswith("# 清源县司法局关于") and "审查结论" in opinion
    assert got["resources"] == {"fashen://instruments"}
    assert got["templates"] == {"fashen://instruments/{title}"}
    assert {"title": "中华人民共和国行政处罚法", "level": "法律", "status": "现行有效"}.items() <= \
        next(i for i in got["instruments"] if i["title"] == "中华人民共和国行政处罚法").items()
    assert got["law"].startswith("# 中华人民共和国行政处罚法") and "**第十六条**　除法律、法规、规章外" in got["law"]


def test_mcp_stdio_without_a_knowledge_base_says_so_and_exits_3(tmp_path):
    import subprocess

    res = subprocess.run([sys.executable, "-m", "assistant.cli", "mcp"], env=process_env({"FASHEN_HOME": str(tmp_path)}),
                         cwd=ROOT, capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    assert res.returncode == 3 and "知识库尚未建立" in res.stderr and "Traceback" not in res.stderr
    assert res.stdout == ""  # stdout belongs to the protocol


@pytest.mark.slow
def test_mcp_over_streamable_http_requires_the_token(in_small_kb, tmp_path):
    import httpx2
    from mcp import Client
    from mcp.client.streamable_http import streamable_http_client

    from assistant.service.auth import hash_token

    port = free_port()
    env = in_small_kb | {"FASHEN_API__TOKENS": json.dumps({"李四": hash_token("tok")})}
    proc = start(["mcp", "--http", "--host", "127.0.0.1", "--port", str(port)], env, tmp_path / "mcp.log")
    url = f"http://127.0.0.1:{port}/mcp"
    try:
        r = wait_http(url, proc, tmp_path / "mcp.log", ok=lambda r: r.status_code == 401)
        assert r.json()["code"] == "unauthorized"

        async def main():
            http = httpx2.AsyncClient(headers={"Authorization": "Bearer tok"}, timeout=120)
            async with Client(streamable_http_client(url, http_client=http)) as client:
                tools = {t.name for t in (await client.list_tools()).tools}
                r = await client.call_tool("search_law", {"query": "《行政处罚法》第十六条", "k": 1})
                return tools, r.structured_content

        tools, found = anyio.run(main)
    finally:
        stop(proc)
    assert tools == TOOLS and found["hits"][0]["article"] == "第十六条"
