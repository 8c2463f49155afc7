"""LLM providers: one small class each (none | openai-compatible | llama.cpp), registered in PROVIDERS."""

from __future__ import annotations

import logging
import os
import tomllib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from assistant.config import LLMSettings, Settings, get_settings
from assistant.errors import ConfigError, LLMError

log = logging.getLogger(__name__)

Messages = list[dict[str, str]]
# vLLM and Ollama accept any key; sending a placeholder keeps the OpenAI client from refusing to start.
NO_KEY = "EMPTY"


@runtime_checkable
class Provider(Protocol):
    """A chat model: `complete` returns the whole answer, `stream` yields it in pieces."""

    name: str
    model: str | None

    def complete(self, messages: Messages) -> str: ...

    def stream(self, messages: Messages) -> Iterator[str]: ...


class NoneProvider:
    """No model configured: callers use the deterministic backend and never call this."""

    name = "none"

    def __init__(self, settings: LLMSettings | None = None) -> None:
        self.model: str | None = None

    def complete(self, messages: Messages) -> str:
        """Always fails: there is no model."""
        raise LLMError("未配置大模型（llm.provider = none），已使用确定性后端。如需启用，请设置 FASHEN_LLM__PROVIDER=openai。")

    def stream(self, messages: Messages) -> Iterator[str]:
        """Always fails: there is no model."""
        yield self.complete(messages)

    def __repr__(self) -> str:
        return "NoneProvider()"


def resolve_api_key(env_name: str, home: Path) -> str | None:
    """The API key from the environment variable named `env_name`, else `[llm] api_key` in <home>/secrets.toml."""
    key = os.environ.get(env_name)
    if key:
        return key
    secrets = home / "secrets.toml"
    if secrets.is_file():
        try:
            data = tomllib.loads(secrets.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            # Say which file is broken but not its content: it holds secrets.
            raise ConfigError(f"密钥文件 {secrets} 无法读取或不是有效的 TOML（{type(exc).__name__}），请检查 [llm] api_key。") from None
        key = (data.get("llm") or {}).get("api_key")
        if isinstance(key, str) and key:
            return key
    return None


def _scrub(text: str, secret: str) -> str:
    # An endpoint may echo the key back in its error body; never let it reach a message or a log.
    return text.replace(secret, "***") if secret and secret != NO_KEY else text


def _to_langchain(messages: Messages) -> list[Any]:
    from langchain_core.messages import AIMessage, HumanMessage, SystemMessage

    kinds = {"system": SystemMessage, "user": HumanMessage, "human": HumanMessage, "assistant": AIMessage, "ai": AIMessage}
    out = []
    for m in messages:
        role = m.get("role", "user")
        if role not in kinds:
            raise ValueError(f"unknown message role {role!r}; expected one of {sorted(kinds)}")
        out.append(kinds[role](content=m.get("content", "")))
    return out


class OpenAIProvider:
    """Any OpenAI-compatible chat endpoint (vLLM, Ollama, DeepSeek, DashScope…) through langchain-openai."""

    name = "openai"

    def __init__(self, settings: LLMSettings, home: Path | None = None) -> None:
        if not settings.base_url:
            raise ConfigError("使用 openai 提供方须设置 llm.base_url，例如 FASHEN_LLM__BASE_URL=http://localhost:8000/v1。")
        if not settings.model:
            raise ConfigError("使用 openai 提供方须设置 llm.model（服务端的模型名），例如 FASHEN_LLM__MODEL=qwen2.5-7b-instruct。")
        self.base_url: str = settings.base_url
        self.model: str | None = settings.model
        self.timeout_s = settings.timeout_s
        self.max_retries = settings.max_retries
        self.temperature = settings.temperature
        # Only the variable's NAME is kept; the key is read at call time so it is never stored or repr'd.
        self.api_key_env = settings.api_key_env
        self.home = home or get_settings().home

    def __repr__(self) -> str:
        return f"OpenAIProvider(base_url={self.base_url!r}, model={self.model!r})"

    def _client(self, key: str) -> Any:
        from langchain_openai import ChatOpenAI

        return ChatOpenAI(
            base_url=self.base_url,
            model=self.model,
            api_key=key,
            timeout=self.timeout_s,
            max_retries=self.max_retries,
            temperature=self.temperature,
        )

    def _fail(self, exc: BaseException, key: str) -> LLMError:
        reason = _reason(exc, self.timeout_s)
        log.warning("LLM endpoint %s failed: %s: %s", self.base_url, type(exc).__name__, _scrub(str(exc), key)[:300])
        return LLMError(
            f"大模型服务 {self.base_url}（模型 {self.model}）调用失败：{_scrub(reason, key)}。"
            f"请检查 llm.base_url、llm.model 设置和服务状态；本次已改用确定性后端。"
        )

    def complete(self, messages: Messages) -> str:
        """Send the messages and return the answer text; LLMError on any failure or an empty answer."""
        key = resolve_api_key(self.api_key_env, self.home) or NO_KEY
        lc_messages = _to_langchain(messages)
        try:
            result = self._client(key).invoke(lc_messages)
            text = result.content if isinstance(result.content, str) else _join_parts(result.content)
        except Exception as exc:  # noqa: BLE001 - every endpoint failure must become a fallback, never a crash
            raise self._fail(exc, key) from None
        if not text or not text.strip():
            raise self._fail(_EmptyAnswer(), key)
        return text

    def stream(self, messages: Messages) -> Iterator[str]:
        """Yield the answer in pieces as the endpoint sends them; LLMError on failure or an empty answer."""
        key = resolve_api_key(self.api_key_env, self.home) or NO_KEY
        lc_messages = _to_langchain(messages)
        got_text = False
        try:
            for chunk in self._client(key).stream(lc_messages):
                piece = chunk.content if isinstance(chunk.content, str) else _join_parts(chunk.content)
                if piece:
                    got_text = True
                    yield piece
        except Exception as exc:  # noqa: BLE001 - see complete()
            raise self._fail(exc, key) from None
        if not got_text:
            raise self._fail(_EmptyAnswer(), key)


class _EmptyAnswer(Exception):
    """The endpoint answered but said nothing."""


def _join_parts(content: Any) -> str:
    # Some endpoints return content as a list of parts ({"type": "text", "text": …}).
    if isinstance(content, list):
        return "".join(p if isinstance(p, str) else str(p.get("text", "")) for p in content if isinstance(p, str | dict))
    return "" if content is None else str(content)


def _reason(exc: BaseException, timeout_s: float) -> str:
    """A short Chinese reason for an endpoint failure, from the exception's type."""
    import openai

    if isinstance(exc, _EmptyAnswer):
        return "服务返回了空回答"
    if isinstance(exc, openai.APITimeoutError | TimeoutError):
        return f"请求超时（超过 {timeout_s:g} 秒）"
    if isinstance(exc, openai.APIConnectionError | ConnectionError):
        return "无法连接到服务"
    if isinstance(exc, openai.APIStatusError):
        return f"服务返回 HTTP {exc.status_code} 错误"
    return f"服务返回的内容无法解析（{type(exc).__name__}）"


class LlamaCppProvider:
    """A local GGUF model through llama-cpp-python (optional extra, never needed by tests)."""

    name = "llamacpp"

    def __init__(self, settings: LLMSettings, home: Path | None = None) -> None:
        try:
            import llama_cpp  # noqa: F401 - optional extra; checked now so the error comes at start, not mid-answer
        except ImportError:
            raise ConfigError("未安装 llama-cpp-python。请运行 pip install 'fashen[llamacpp]'，或改用 llm.provider = openai。") from None
        if not settings.model or not Path(settings.model).is_file():
            raise ConfigError(f"llamacpp 提供方须把 llm.model 设为本地 GGUF 模型文件路径（当前：{settings.model}）。")
        self.model: str | None = settings.model
        self.temperature = settings.temperature
        self._llm: Any = None

    def __repr__(self) -> str:
        return f"LlamaCppProvider(model={self.model!r})"

    def _load(self) -> Any:
        # Loading a GGUF takes seconds and gigabytes: do it on first use only.
        if self._llm is None:
            from llama_cpp import Llama

            self._llm = Llama(model_path=self.model, n_ctx=8192, verbose=False)
        return self._llm

    def complete(self, messages: Messages) -> str:
        """Answer with the local model; LLMError on failure or an empty answer."""
        try:
            out = self._load().create_chat_completion(messages=messages, temperature=self.temperature)
            text = out["choices"][0]["message"].get("content") or ""
        except Exception as exc:  # noqa: BLE001 - fall back, never crash
            raise LLMError(f"本地模型 {self.model} 运行失败（{type(exc).__name__}），本次已改用确定性后端。") from exc
        if not text.strip():
            raise LLMError(f"本地模型 {self.model} 返回了空回答，本次已改用确定性后端。")
        return text

    def stream(self, messages: Messages) -> Iterator[str]:
        """Yield the local model's answer in pieces."""
        try:
            for chunk in self._load().create_chat_completion(messages=messages, temperature=self.temperature, stream=True):
                piece = chunk["choices"][0].get("delta", {}).get("content")
                if piece:
                    yield piece
        except Exception as exc:  # noqa: BLE001 - fall back, never crash
            raise LLMError(f"本地模型 {self.model} 运行失败（{type(exc).__name__}），本次已改用确定性后端。") from exc


PROVIDERS: dict[str, Callable[[LLMSettings, Path], Provider]] = {
    "none": lambda s, home: NoneProvider(s),
    "openai": OpenAIProvider,
    "llamacpp": LlamaCppProvider,
}


def get_provider(settings: Settings | None = None) -> Provider:
    """The provider named by settings.llm.provider; ConfigError listing the known names for anything else."""
    settings = settings or get_settings()
    name = settings.llm.provider.strip().lower()
    if name not in PROVIDERS:
        raise ConfigError(f"未知的大模型提供方 {settings.llm.provider!r}。可选：{', '.join(PROVIDERS)}（设置 llm.provider）。")
    return PROVIDERS[name](settings.llm, settings.home)
