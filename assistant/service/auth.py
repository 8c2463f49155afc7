"""Bearer tokens for the HTTP API and the MCP server over HTTP.

`FASHEN_API__TOKENS='{"张三": "<sha256 of 张三's token>"}'` names the users; only the hashes are stored, so the
settings file, a dump or a log line never holds a usable token (`fashen token 张三` makes one and prints its line).
With no token configured the service answers loopback clients only (the same machine, or a reverse proxy on it
that passes the client's address in X-Forwarded-For). The user a token belongs to is recorded in the audit log.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import secrets

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

# Open without a token: the health check a load balancer polls and the API's own documentation.
OPEN_PATHS = frozenset({"/v1/health", "/docs", "/docs/oauth2-redirect", "/redoc", "/openapi.json"})


def hash_token(token: str) -> str:
    """The value stored in FASHEN_API__TOKENS for a token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token() -> str:
    """A fresh random token (256 bits)."""
    return secrets.token_urlsafe(32)


def is_loopback(host: str | None) -> bool:
    """Whether a client address is this machine (127.0.0.0/8, ::1, localhost)."""
    if not host:
        return False
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


class Unauthorized(Exception):
    """A request the tokens do not admit; the message says what to send."""


class Tokens:
    """The configured users; `user_for` admits a request or raises Unauthorized."""

    def __init__(self, tokens: dict[str, str]) -> None:
        self._hashes = [(h.strip().lower(), user) for user, h in tokens.items()]

    def __bool__(self) -> bool:
        return bool(self._hashes)

    def user_for(self, authorization: str | None, client_host: str | None) -> str | None:
        """The token's user; None for a loopback client when no token is configured."""
        if not self._hashes:
            if is_loopback(client_host):
                return None
            raise Unauthorized("本服务未配置 API 令牌，只接受本机请求。管理员可用 `fashen token 用户名` 生成令牌，"
                               "并按提示设置 FASHEN_API__TOKENS 后重启服务。")
        scheme, _, token = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthorized("需要令牌：请在请求头加上 Authorization: Bearer <令牌>（令牌由管理员用 `fashen token 用户名` 生成）。")
        digest = hash_token(token.strip())
        for stored, user in self._hashes:
            if hmac.compare_digest(stored, digest):
                return user
        raise Unauthorized("令牌无效。请核对令牌，或请管理员用 `fashen token 用户名` 重新生成。")


class BearerAuth:
    """ASGI middleware: refuses a request the tokens do not admit (401, before its body is read) and puts the
    token's user in the request state (`request.state.user`)."""

    def __init__(self, app: ASGIApp, tokens: Tokens, open_paths: frozenset[str] = OPEN_PATHS) -> None:
        self.app = app
        self.tokens = tokens
        self.open_paths = open_paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in self.open_paths:
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        client = scope.get("client")
        try:
            user = self.tokens.user_for(headers.get("authorization"), client[0] if client else None)
        except Unauthorized as exc:
            response = JSONResponse({"code": "unauthorized", "message": str(exc)}, status_code=401,
                                    headers={"WWW-Authenticate": "Bearer"})
            await response(scope, receive, send)
            return
        scope.setdefault("state", {})["user"] = user
        await self.app(scope, receive, send)
