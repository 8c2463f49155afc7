"""The hostile-file set of tests/test_hostile.py sent as uploads: each probe is refused with the CLI's message and a
4xx status as a draft or a file to check, listed as unreadable as a material, and no answer holds a traceback;
upload names never become paths."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.test_hostile import PASSWD, byte_probes

LAWFUL = "某县会议管理办法\n\n第一条　会议应当准时召开。\n第二条　本办法自公布之日起施行。\n".encode()


@pytest.fixture(scope="module")
def probes() -> dict[str, tuple[bytes, str]]:
    return byte_probes()


def clean(r) -> None:
    assert "Traceback" not in r.text and 'File "' not in r.text and PASSWD not in r.text, r.text[-2000:]
    assert r.headers["content-type"].startswith("application/json"), r.headers


def test_every_probe_is_refused_as_a_draft_and_as_a_file_to_check(client, probes):
    for name, (data, message) in probes.items():
        for r, prefix in ((client.post("/v1/review", files={"draft": (name, data)}), "草案无法读取："),
                          (client.post("/v1/cite-check", files={"file": (name, data)}), "")):
            clean(r)
            assert r.status_code == 400, (name, r.status_code, r.text[:500])
            body = r.json()
            assert body["code"] == "bad_input" and body["message"].startswith(prefix + name), (name, body)
            assert message in body["message"], (name, body)


def test_every_probe_as_a_material_is_listed_unreadable_and_the_draft_is_reviewed(client, probes):
    files = [("draft", ("草案.md", LAWFUL))] + [("materials", (name, data)) for name, (data, _) in probes.items()]
    r = client.post("/v1/review", files=files)
    clean(r)
    assert r.status_code == 200, r.text[:500]
    unreadable = {u["file"]: u["reason"] for u in r.json()["unreadable"]}
    assert set(unreadable) == set(probes)
    for name, (_, message) in probes.items():
        assert message in unreadable[name], (name, unreadable[name])


def test_an_upload_over_the_size_limit_is_413_before_it_is_read(client):
    r = client.post("/v1/review", files={"draft": ("草案.md", b"\0" * (21 * 2**20))})
    clean(r)
    assert r.status_code == 413 and r.json()["code"] == "too_large"


def test_upload_names_are_shown_as_written_and_never_become_paths(client, tmp_path, monkeypatch):
    import tempfile

    made: list[Path] = []
    real = tempfile.TemporaryDirectory

    def spy(*a, **k):
        d = real(*a, **k)
        made.append(Path(d.name))
        return d

    monkeypatch.setattr(tempfile, "TemporaryDirectory", spy)
    outside = tmp_path / "escaped.md"
    names = {f"../../../../..{outside}": "escaped.md", "/etc/passwd": "passwd", "..\\..\\win.md": "win.md",
             "草案[red]**粗体**`代码`.md": "草案[red]__粗体__`代码`.md", "\u202egnp.md": "gnp.md", "": ""}
    for sent, shown in names.items():
        r = client.post("/v1/review", files={"draft": (sent, LAWFUL)})
        clean(r)
        if not sent:  # a part without a file name is a form field, not a file
            assert r.status_code == 422 and "draft：应为上传的文件" in r.json()["message"], r.text
            continue
        assert r.status_code == 200, (sent, r.text)
        assert r.json()["draft"] == shown and r.json()["title"] == "某县会议管理办法"
    assert not outside.exists()
    assert made and not any(d.exists() for d in made)  # every upload folder is removed after its review
