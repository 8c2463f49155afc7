"""`fashen serve`, `fashen mcp --http` and `fashen token` refuse what could not serve safely, before starting."""

from __future__ import annotations

import json
import socket

from tests.test_hostile import fashen


def test_serving_other_machines_needs_a_token(in_small_kb):
    for args in (["serve", "--host", "0.0.0.0"], ["mcp", "--http", "--host", "192.168.1.5"]):
        run = fashen(*args)
        assert run.code == 3 and "尚未配置令牌" in run.err and "fashen token" in run.err, run.text
        assert "Traceback" not in run.text


def test_a_busy_port_and_a_missing_knowledge_base_are_configuration_errors(in_small_kb, monkeypatch, tmp_path):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        run = fashen("serve", "--port", str(sock.getsockname()[1]))
    assert run.code == 3 and "端口可能已被占用" in run.err, run.text
    monkeypatch.setenv("FASHEN_HOME", str(tmp_path / "empty"))
    from assistant.config import get_settings

    get_settings.cache_clear()
    run = fashen("serve")
    assert run.code == 3 and "知识库尚未建立" in run.err and "fashen ingest" in run.err


def test_a_token_is_shown_once_and_only_its_hash_goes_in_the_settings(in_small_kb, monkeypatch):
    from assistant.service.auth import Tokens, hash_token

    monkeypatch.setenv("FASHEN_API__TOKENS", json.dumps({"张三": hash_token("old")}))
    from assistant.config import get_settings

    get_settings.cache_clear()
    run = fashen("token", "OA系统", "--format", "json")
    assert run.code == 0, run.text
    made = json.loads(run.out)
    tokens = json.loads(made["FASHEN_API__TOKENS"])
    assert tokens == {"张三": hash_token("old"), "OA系统": hash_token(made["token"])}  # the existing users are kept
    assert made["token"] not in made["FASHEN_API__TOKENS"] and len(made["token"]) >= 40
    assert Tokens(tokens).user_for(f"Bearer {made['token']}", "10.0.0.1") == "OA系统"
    text = fashen("token", "李四")
    assert text.code == 0 and "FASHEN_API__TOKENS='" in text.out and "Authorization: Bearer" in text.out
    assert fashen("token", " ").code == 2
