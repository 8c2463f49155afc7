"""The HTTP API gives the CLI's results (byte for byte, as the CLI serialises them), admits only what its tokens
admit, and answers every error as JSON {code, message} with the CLI's message and the right status."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from tests.service.conftest import LOOPBACK, api_settings, canonical, case_upload, cli_json, dev_cases

CASES = dev_cases()


def review_upload(client, case: Path, **extra):
    files, fields = case_upload(case)
    return client.post("/v1/review", files=files, data=fields | extra)


# -- the CLI's results ---------------------------------------------------------------------------------------------

@pytest.mark.skipif(len(CASES) != 24, reason="the 24 dev cases of ../shared/evaldata/review are not here")
def test_review_of_each_dev_case_equals_the_cli_byte_for_byte(client):
    for case in CASES:
        expected = canonical(cli_json("review", str(case)))
        r = review_upload(client, case)
        assert r.status_code == 200, (case.name, r.text)
        assert canonical(r.json()) == expected, case.name
    explained = review_upload(client, CASES[0], explain="true").json()
    assert canonical(explained) == canonical(cli_json("review", str(CASES[0]), "--explain"))
    assert explained != json.loads(canonical(cli_json("review", str(CASES[0]))))  # --explain adds the measures


def test_search_articles_cite_check_ask_and_stats_equal_the_cli(client, tmp_path):
    for q, k in (("镇政府的文件能不能规定罚款", 5), ("《行政处罚法》第十六条", 3), ("重大行政决策 专家论证", 10)):
        r = client.get("/v1/search", params={"q": q, "k": k})
        assert r.status_code == 200 and canonical(r.json()) == canonical(cli_json("search", q, "-k", str(k)))
    r = client.get("/v1/search", params={"q": "罚款", "k": 5, "level": "法律", "instrument": "行政处罚法"})
    assert canonical(r.json()) == canonical(cli_json("search", "罚款", "-k", "5", "--level", "法律",
                                                     "--instrument", "行政处罚法"))

    text = "某县管理办法\n\n第一条　依据《中华人民共和国行政处罚法》第十六条和《行政许可法》第一百条，制定本办法。\n"
    doc = tmp_path / "草案.md"
    doc.write_text(text, encoding="utf-8")
    cli = cli_json("cite-check", str(doc))
    statuses = [(c["text"], c["status"]) for c in cli["citations"]]
    assert statuses == [("《中华人民共和国行政处罚法》第十六条", "verified"), ("《行政许可法》第一百条", "article_not_found")]
    by_file = client.post("/v1/cite-check", files={"file": ("草案.md", text.encode())}).json()
    assert by_file == cli | {"file": "草案.md"}
    assert client.post("/v1/cite-check", json={"text": text}).json() == cli | {"file": None}
    assert client.post("/v1/cite-check", data={"text": text}).json() == cli | {"file": None}
    dated = cli_json("cite-check", str(doc), "--date", "2020-05-01")
    assert dated["as_of"] == "2020-05-01"
    assert client.post("/v1/cite-check", json={"text": text, "date": "2020-05-01"}).json() == dated | {"file": None}
    assert client.post("/v1/cite-check", files={"file": ("草案.md", text.encode())},
                       data={"date": "2020-05-01"}).json() == dated | {"file": "草案.md"}
    r = client.post("/v1/cite-check", json={"text": text, "date": "2020-13-01"})
    assert r.status_code == 400 and r.json()["message"] == "日期 '2020-13-01' 无效，应写作 YYYY-MM-DD，如 2020-05-01。"

    q = "镇政府的文件能不能规定罚款？"
    answer = client.post("/v1/ask", json={"question": q}).json()
    history = answer.pop("history")
    assert canonical(answer) == canonical(cli_json("ask", q))
    assert history["turns"][0]["question"] == q
    follow = client.post("/v1/ask", json={"question": "那规章呢？", "history": history}).json()
    assert "规章" in follow["history"]["turns"][-1]["resolved"] and len(follow["history"]["turns"]) == 2

    assert client.get("/v1/kb/stats").json() == cli_json("kb", "stats")


def test_an_article_by_name_and_number(client):
    for label in ("16", "第十六条", "十六"):
        r = client.get(f"/v1/articles/行政处罚法/{label}")
        assert r.status_code == 200, r.text
        assert r.json()["instrument"] == "中华人民共和国行政处罚法" and r.json()["article"] == "第十六条"
        assert r.json()["text"].startswith("除法律、法规、规章外")
    r = client.get("/v1/articles/行政处罚法/第二百条")
    assert (r.status_code, r.json()) == (404, {"code": "not_found",
                                               "message": "《中华人民共和国行政处罚法》共 86 条，没有第二百条。"})
    r = client.get("/v1/articles/不存在的法/1")
    assert r.status_code == 404 and "知识库中没有《不存在的法》" in r.json()["message"]
    r = client.get("/v1/articles/行政处罚法/第x条")
    assert r.status_code == 400 and r.json()["code"] == "bad_input"


@pytest.mark.skipif(not CASES, reason="no dev cases")
def test_a_reviewed_report_drafts_the_clis_opinion(client, tmp_path):
    from tests.test_hostile import fashen

    case = CASES[0]
    report = review_upload(client, case).json()
    saved = tmp_path / "report.json"
    saved.write_text(json.dumps(report, ensure_ascii=False), encoding="utf-8")
    assert fashen("draft", str(saved), "-o", str(tmp_path / "op.md")).code == 0
    r = client.post("/v1/draft", json={"report": report, "format": "md"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/markdown")
    assert r.text == (tmp_path / "op.md").read_text(encoding="utf-8")
    assert "filename*=UTF-8''%E6%84%8F%E8%A7%81%E4%B9%A6.md" in r.headers["content-disposition"]
    r = client.post("/v1/draft", json={"report": report, "office": "青禾县司法局"})
    assert r.status_code == 200 and r.content.startswith(b"PK")  # a .docx
    import docx
    from io import BytesIO

    assert any("青禾县司法局" in p.text for p in docx.Document(BytesIO(r.content)).paragraphs)


# -- tokens and the audit log --------------------------------------------------------------------------------------

def _audit_users(path: str) -> list[tuple[str, str]]:
    with sqlite3.connect(path) as conn:
        return conn.execute('SELECT kind, "user" FROM audit_events ORDER BY id').fetchall()


@pytest.mark.skipif(not CASES, reason="no dev cases")
def test_tokens_admit_their_users_and_the_audit_log_records_who(in_small_kb, monkeypatch):
    from fastapi.testclient import TestClient

    from assistant.service.api import create_app
    from assistant.service.auth import hash_token

    settings = api_settings(tokens={"张三": hash_token("secret-1"), "OA系统": hash_token("secret-2")})
    with TestClient(create_app(settings), client=("10.1.2.3", 5000)) as c:
        assert c.get("/v1/health").status_code == 200  # open: a load balancer polls it
        assert c.get("/openapi.json").status_code == 200 and c.get("/docs").status_code == 200
        r = c.get("/v1/search", params={"q": "罚款"})
        assert r.status_code == 401 and r.json()["code"] == "unauthorized" and "Authorization: Bearer" in r.json()["message"]
        assert r.headers["www-authenticate"] == "Bearer"
        r = c.get("/v1/search", params={"q": "罚款"}, headers={"Authorization": "Bearer wrong"})
        assert r.status_code == 401 and "令牌无效" in r.json()["message"]
        ok = {"Authorization": "Bearer secret-1"}
        assert c.get("/v1/search", params={"q": "罚款"}, headers=ok).status_code == 200
        files, fields = case_upload(CASES[0])
        assert c.post("/v1/review", files=files, data=fields, headers=ok).status_code == 200
        assert c.post("/v1/ask", json={"question": "罚款"}, headers={"Authorization": "bearer secret-2"}).status_code == 200
        # a refused upload is never read: 401 before the body
        assert c.post("/v1/review", files=files, data=fields).status_code == 401
    assert _audit_users(settings.audit_url.removeprefix("sqlite:///")) == [("review", "张三"), ("answer", "OA系统")]


def test_without_tokens_only_loopback_clients_are_served(in_small_kb):
    from fastapi.testclient import TestClient

    from assistant.service.api import create_app

    app = create_app(api_settings())
    for host, status in (("127.0.0.1", 200), ("::1", 200), ("192.168.1.20", 401), ("8.8.8.8", 401)):
        with TestClient(app, client=(host, 5000)) as c:
            r = c.get("/v1/search", params={"q": "罚款"})
            assert r.status_code == status, host
            if status == 401:
                assert "只接受本机请求" in r.json()["message"] and "fashen token" in r.json()["message"]


# -- errors: JSON, the CLI's messages, the right status, never a traceback ---------------------------------------------

def test_bad_requests_are_json_with_chinese_messages(client):
    r = client.get("/v1/search", params={"q": "  "})
    assert (r.status_code, r.json()["code"]) == (400, "bad_input") and "检索内容为空" in r.json()["message"]
    r = client.get("/v1/search", params={"q": "x", "mode": "magic"})
    assert r.status_code == 400 and "未知的检索方式 'magic'" in r.json()["message"]
    r = client.get("/v1/search")
    assert r.status_code == 422 and r.json() == {"code": "invalid_request",
                                                 "message": "请求不符合接口要求：q：缺少该项。接口说明见 /docs。"}
    r = client.get("/v1/search", params={"q": "x", "k": 1000})
    assert r.status_code == 422 and "k：过大" in r.json()["message"]
    r = client.post("/v1/ask", content=b"{not json", headers={"content-type": "application/json"})
    assert r.status_code == 422 and "不是有效的 JSON" in r.json()["message"]
    r = client.post("/v1/ask", json={"history": []})
    assert r.status_code == 422 and "question：缺少该项" in r.json()["message"]
    r = client.post("/v1/draft", json={"report": {"findings": []}})
    assert r.status_code == 422 and "report.title：缺少该项" in r.json()["message"]
    r = client.post("/v1/cite-check", json={"text": ""})
    assert r.status_code == 400 and "要核查的文本为空" in r.json()["message"]
    r = client.post("/v1/review", data={"type": "normative"})
    assert r.status_code == 422 and "draft：缺少该项" in r.json()["message"]
    r = client.post("/v1/review", files={"draft": ("草案.md", "某县管理办法\n\n第一条　本办法自公布之日起施行。".encode())},
                    data={"stage": "终审"})
    assert r.status_code == 400 and r.json()["message"] == "审查阶段“终审”无效：可用的值为 审核、备案。"
    r = client.get("/v1/nothing")
    assert r.status_code == 404 and r.json()["code"] == "not_found" and "/docs" in r.json()["message"]
    r = client.delete("/v1/search")
    assert r.status_code == 405 and r.json()["code"] == "method_not_allowed"


def test_a_missing_knowledge_base_is_a_configuration_error(monkeypatch, tmp_path):
    from fastapi.testclient import TestClient

    from assistant.config import Settings
    from assistant.service.api import create_app

    with TestClient(create_app(Settings(home=tmp_path / "empty")), client=LOOPBACK) as c:
        for r in (c.get("/v1/health"), c.get("/v1/search", params={"q": "罚款"})):
            assert r.status_code == 500 and r.json()["code"] == "configuration"
            assert "知识库尚未建立" in r.json()["message"] and "fashen ingest" in r.json()["message"]


def test_an_unexpected_error_is_one_json_line_and_the_traceback_stays_in_the_log(client, monkeypatch, caplog):
    def boom(*a, **k):
        raise RuntimeError("坏了")

    monkeypatch.setattr("assistant.service.jobs.search", boom)
    r = client.get("/v1/search", params={"q": "罚款"})
    assert (r.status_code, r.json()) == (500, {"code": "internal",
                                               "message": "内部错误：RuntimeError: 坏了（服务日志中有详情，请报告问题）"})
    assert "Traceback" not in r.text
    assert any(rec.exc_info for rec in caplog.records if rec.name == "fashen.api")


def test_request_size_limits(in_small_kb):
    from fastapi.testclient import TestClient

    from assistant.service.api import create_app

    with TestClient(create_app(api_settings(max_upload_mb=1, max_files=3)), client=LOOPBACK) as c:
        big = b"x" * (2 * 2**20)
        for r in (c.post("/v1/review", files={"draft": ("草案.md", big)}),
                  c.post("/v1/cite-check", files={"file": ("a.md", big)}),
                  c.post("/v1/ask", content=iter([b'{"question": "', big, b'"}']),
                         headers={"content-type": "application/json"})):  # chunked: no Content-Length
            assert r.status_code == 413, r.text
            assert r.json() == {"code": "too_large", "message": "请求内容超过上限 1 MB，已拒绝。请压缩或拆分文件，或只上传正文部分"
                                                                "（管理员可调整设置 api.max_upload_mb）。"}
        small = ("m.md", b"x")
        r = c.post("/v1/review", files=[("draft", small)] + [("materials", small)] * 4)
        assert r.status_code == 413 and r.json()["message"] == "一次请求最多 3 个文件（设置 api.max_files）。"
