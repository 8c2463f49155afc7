"""Providers against a real loopback OpenAI-compatible server: answers, streaming, failures, key hygiene."""

from __future__ import annotations

import pytest

from assistant.config import LLMSettings, Settings
from assistant.errors import ConfigError, LLMError
from assistant.llm.providers import (
    PROVIDERS,
    LlamaCppProvider,
    NoneProvider,
    OpenAIProvider,
    Provider,
    get_provider,
    resolve_api_key,
)
from tests.llm.fakes import FakeProvider
from tests.llm.openai_server import canned_openai_server, openai_server

SECRET = "sk-test-very-secret-0123456789"
MESSAGES = [{"role": "system", "content": "只依据资料回答。"}, {"role": "user", "content": "规范性文件能否设定罚款？"}]


def make(base_url: str, **llm: object) -> OpenAIProvider:
    settings = Settings(llm=LLMSettings(provider="openai", base_url=base_url, model="qwen-test", **llm))
    provider = get_provider(settings)
    assert isinstance(provider, OpenAIProvider)
    return provider


@pytest.fixture
def api_key(monkeypatch):
    monkeypatch.setenv("FASHEN_LLM_API_KEY", SECRET)
    return SECRET


def test_complete_returns_the_answer_and_sends_messages_model_and_key(api_key):
    with openai_server(["不能。《中华人民共和国行政处罚法》第十六条 [1]"]) as server:
        provider = make(server.base_url)
        assert provider.complete(MESSAGES) == "不能。《中华人民共和国行政处罚法》第十六条 [1]"
    sent = server.requests[0]
    assert sent["model"] == "qwen-test"
    assert [m["role"] for m in sent["messages"]] == ["system", "user"]
    assert sent["messages"][1]["content"] == "规范性文件能否设定罚款？"
    assert server.headers[0]["authorization"] == f"Bearer {SECRET}"


def test_answers_are_served_in_order_and_the_last_repeats(api_key):
    with canned_openai_server(["一", "二"]) as base_url:
        provider = make(base_url)
        assert [provider.complete(MESSAGES) for _ in range(3)] == ["一", "二", "二"]


def test_stream_yields_pieces_that_join_to_the_answer(api_key):
    answer = "不能设定。规范性文件不得设定行政处罚。"
    with openai_server([answer]) as server:
        pieces = list(make(server.base_url).stream(MESSAGES))
    assert len(pieces) > 1
    assert "".join(pieces) == answer
    assert server.requests[0]["stream"] is True


def test_without_any_key_the_placeholder_is_sent(monkeypatch):
    monkeypatch.delenv("FASHEN_LLM_API_KEY", raising=False)
    with openai_server(["好"]) as server:
        make(server.base_url).complete(MESSAGES)
    assert server.headers[0]["authorization"] == "Bearer EMPTY"


def test_key_is_read_from_the_named_variable_at_call_time(monkeypatch):
    with openai_server(["好"]) as server:
        provider = make(server.base_url, api_key_env="MY_VLLM_KEY")
        monkeypatch.setenv("MY_VLLM_KEY", "k-late")  # set after the provider was built
        provider.complete(MESSAGES)
    assert server.headers[0]["authorization"] == "Bearer k-late"


def test_key_from_secrets_file_when_the_variable_is_unset(monkeypatch, fashen_home):
    monkeypatch.delenv("FASHEN_LLM_API_KEY", raising=False)
    fashen_home.mkdir(parents=True, exist_ok=True)
    (fashen_home / "secrets.toml").write_text('[llm]\napi_key = "from-file"\n', encoding="utf-8")
    assert resolve_api_key("FASHEN_LLM_API_KEY", fashen_home) == "from-file"
    monkeypatch.setenv("FASHEN_LLM_API_KEY", "from-env")
    assert resolve_api_key("FASHEN_LLM_API_KEY", fashen_home) == "from-env"


def test_timeout_becomes_llm_error_naming_the_endpoint(api_key):
    with openai_server(["迟到的回答"], delay_s=2.0) as server:
        provider = make(server.base_url, timeout_s=0.3, max_retries=0)
        with pytest.raises(LLMError) as err:
            provider.complete(MESSAGES)
    message = str(err.value)
    assert "超时" in message and server.base_url in message
    assert SECRET not in message


@pytest.mark.parametrize(
    ("status", "body", "reason"),
    [
        (500, None, "HTTP 500"),
        (401, f'{{"error": {{"message": "bad key {SECRET}"}}}}'.encode(), "HTTP 401"),
        (200, b"this is not json at all", "无法解析"),
        (200, b'{"choices": []}', "无法解析"),
    ],
)
def test_http_errors_and_garbage_become_llm_error_without_the_key(api_key, caplog, status, body, reason):
    with openai_server(["unused"], status=status, body=body) as server:
        provider = make(server.base_url, max_retries=0)
        with pytest.raises(LLMError) as err:
            provider.complete(MESSAGES)
        with pytest.raises(LLMError):
            list(provider.stream(MESSAGES))
    assert reason in str(err.value) and server.base_url in str(err.value)
    assert SECRET not in str(err.value)
    assert err.value.__cause__ is None  # the original exception (which may quote the key) is not chained
    assert SECRET not in caplog.text


def test_empty_answer_is_an_error(api_key):
    with canned_openai_server([""]) as base_url:
        provider = make(base_url, max_retries=0)
        with pytest.raises(LLMError, match="空回答"):
            provider.complete(MESSAGES)
        with pytest.raises(LLMError, match="空回答"):
            list(provider.stream(MESSAGES))


def test_connection_refused_becomes_llm_error(api_key):
    with canned_openai_server(["x"]) as base_url:
        pass  # the server is gone: its port now refuses connections
    with pytest.raises(LLMError, match="无法连接"):
        make(base_url, max_retries=0, timeout_s=2).complete(MESSAGES)


def test_repr_never_shows_the_key(api_key):
    provider = make("http://127.0.0.1:9/v1")
    assert SECRET not in repr(provider)
    assert SECRET not in str(vars(provider))
    assert "127.0.0.1:9" in repr(provider)


def test_none_provider_refuses_so_callers_fall_back():
    provider = get_provider(Settings())
    assert isinstance(provider, NoneProvider) and provider.name == "none"
    with pytest.raises(LLMError):
        provider.complete(MESSAGES)


def test_unknown_provider_lists_the_known_ones():
    with pytest.raises(ConfigError) as err:
        get_provider(Settings(llm=LLMSettings(provider="gpt-magic")))
    for name in PROVIDERS:
        assert name in str(err.value)


def test_openai_provider_needs_base_url_and_model():
    with pytest.raises(ConfigError, match="base_url"):
        get_provider(Settings(llm=LLMSettings(provider="openai", model="m")))
    with pytest.raises(ConfigError, match="llm.model"):
        get_provider(Settings(llm=LLMSettings(provider="openai", base_url="http://127.0.0.1:9/v1")))


def test_llamacpp_missing_package_says_how_to_install(monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_llama(name, *args, **kwargs):
        if name == "llama_cpp":
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_llama)
    with pytest.raises(ConfigError, match=r"pip install 'fashen\[llamacpp\]'"):
        LlamaCppProvider(LLMSettings(provider="llamacpp", model="/models/qwen.gguf"))


def test_fake_provider_satisfies_the_protocol_and_replays():
    fake = FakeProvider(["甲", LLMError("down"), "乙"])
    assert isinstance(fake, Provider)
    assert fake.complete(MESSAGES) == "甲"
    with pytest.raises(LLMError):
        fake.complete(MESSAGES)
    assert "".join(fake.stream(MESSAGES)) == "乙"
    assert fake.complete(MESSAGES) == "乙"
    assert len(fake.calls) == 4
