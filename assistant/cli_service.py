"""`fashen serve`, `fashen mcp` and `fashen token`: fashen as a service (assistant/service/)."""

from __future__ import annotations

import json
import logging
import os
import socket
import sys
from typing import Annotated

import typer
from rich.console import Console

from assistant.config import Settings, get_settings
from assistant.errors import ConfigError

out = Console(emoji=False, highlight=False)
err = Console(stderr=True, emoji=False, highlight=False)

HostOpt = Annotated[str, typer.Option(help="监听地址；非本机地址（如 0.0.0.0）须先配置令牌 FASHEN_API__TOKENS")]


def _ready(settings: Settings, host: str, port: int) -> None:
    """Refuse to start what could not serve: no knowledge base, an open address without tokens, a busy port."""
    from assistant.kb.base import open_kb
    from assistant.service.auth import is_loopback

    open_kb(settings)
    if not settings.api.tokens and not is_loopback(host):
        raise ConfigError(f"监听 {host} 会接受其他机器的请求，但尚未配置令牌。请先用 `fashen token 用户名` 生成令牌并设置 "
                          "FASHEN_API__TOKENS，或只监听本机（--host 127.0.0.1），由同机的反向代理转发。")
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as sock:
        try:
            sock.bind((host, port))
        except OSError as exc:
            raise ConfigError(f"无法监听 {host}:{port}（{exc.strerror or exc}）。端口可能已被占用，请用 --port 换一个。") from None


def _uvicorn_logging() -> dict:
    """uvicorn's start and stop lines with `fashen -v`; never an access log (a search URL holds the question)."""
    verbose = logging.getLogger().getEffectiveLevel() <= logging.INFO
    return {"log_level": "info" if verbose else "warning", "access_log": False}


def _one_core_per_worker() -> None:
    """Each worker computes on one core (the embedder's and numpy's thread pools at 1; the workers inherit this
    environment), so that N workers use N cores instead of crowding them. A value already set is kept."""
    for name in ("FASHEN_KB__EMBED_THREADS", "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(name, "1")


def serve(
    host: HostOpt = "127.0.0.1",
    port: Annotated[int, typer.Option(help="端口")] = 8765,
    workers: Annotated[int, typer.Option(min=1, max=64, help="工作进程数，一般等于 CPU 核数")] = 1,
) -> None:
    """启动 HTTP 接口（FastAPI）：检索、条文、问答、引用核查、审查、意见书；接口文档在 /docs。"""
    import uvicorn

    settings = get_settings()
    _ready(settings, host, port)
    tokens = f"已配置 {len(settings.api.tokens)} 个令牌" if settings.api.tokens else "未配置令牌，只接受本机请求"
    err.print(f"法审助手 API：http://{host}:{port}/docs（{workers} 个工作进程，{tokens}；Ctrl-C 停止）", markup=False)
    _one_core_per_worker()
    # A worker is a fresh interpreter that imports fashen before it answers the supervisor's pings: on a busy
    # machine that takes longer than uvicorn's 5 s default, which would kill and restart it again and again.
    uvicorn.run("assistant.service.api:create_app", factory=True, host=host, port=port, workers=workers,
                timeout_worker_healthcheck=60, **_uvicorn_logging())


def mcp(
    http: Annotated[bool, typer.Option("--http", help="以 streamable HTTP 提供（默认 stdio，供本机客户端启动）")] = False,
    host: HostOpt = "127.0.0.1",
    port: Annotated[int, typer.Option(help="--http 时的端口")] = 8766,
) -> None:
    """启动 MCP 服务：供 Claude Desktop、Cherry Studio、Dify 等客户端调用检索、审查和意见书工具。"""
    from assistant.service.mcp import build_server

    settings = get_settings()
    if not http:
        from assistant.kb.base import open_kb

        open_kb(settings)  # a missing knowledge base is one message at start, not an error in every tool
        build_server(settings).run("stdio")
        return
    import uvicorn

    from assistant.service.auth import BearerAuth, Tokens

    _ready(settings, host, port)
    app = build_server(settings).streamable_http_app(host=host)
    err.print(f"法审助手 MCP：http://{host}:{port}/mcp（Ctrl-C 停止）", markup=False)
    uvicorn.run(BearerAuth(app, Tokens(settings.api.tokens), open_paths=frozenset()), host=host, port=port,
                **_uvicorn_logging())


def token(
    user: Annotated[str, typer.Argument(help="令牌归属的用户或系统，审计日志记录此名称，如 张三、OA系统")],
    fmt: Annotated[str, typer.Option("--format", "-f", help="text | json")] = "text",
) -> None:
    """生成一个 API 令牌：显示令牌本身（仅此一次）和应设置的 FASHEN_API__TOKENS（只存令牌的哈希）。"""
    from assistant.service.auth import hash_token, new_token

    if not user.strip():
        from assistant.errors import InputError

        raise InputError("用户名为空。请写明令牌归属的用户或系统，例如：fashen token 张三")
    value = new_token()
    tokens = get_settings().api.tokens | {user: hash_token(value)}
    line = json.dumps(tokens, ensure_ascii=False)
    if fmt == "json":
        sys.stdout.write(json.dumps({"user": user, "token": value, "FASHEN_API__TOKENS": line}, ensure_ascii=False) + "\n")
        return
    out.print(f"{user} 的令牌（只显示这一次，请妥善交给使用者）：\n\n  {value}\n\n"
              f"在服务的环境中设置（已包含现有用户），然后重启服务：\n\n  FASHEN_API__TOKENS='{line}'\n\n"
              f"调用时在请求头加上：Authorization: Bearer <令牌>", markup=False, soft_wrap=True)


def mount(app: typer.Typer) -> None:
    """Add the service commands to the `fashen` command line."""
    app.command("serve")(serve)
    app.command("mcp")(mcp)
    app.command("token")(token)
