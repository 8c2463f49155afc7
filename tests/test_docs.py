"""Docs that cannot drift: the README's settings exist, and .ci/run runs the README's two commands."""

import re
from pathlib import Path

from assistant.config import Settings

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_setting_in_the_readme_exists():
    names = set(re.findall(r"`(FASHEN_[A-Z_]+)`", README)) - {"FASHEN_HOME", "FASHEN_CHROMA_URL", "FASHEN_LLM_API_KEY"}
    assert names
    fields = Settings.model_fields
    for name in names:
        parts = name.removeprefix("FASHEN_").lower().split("__")
        model, leaf = Settings, None
        for part in parts:
            assert part in model.model_fields, name
            leaf = model.model_fields[part]
            model = leaf.annotation if isinstance(leaf.annotation, type) and hasattr(leaf.annotation, "model_fields") else None
        assert leaf is not None
    assert "home" in fields and "chroma_url" in fields


def test_ci_runs_the_two_readme_commands():
    blocks = re.findall(r"```bash\n(.+?)\n```", README, re.S)
    main, test = blocks[0].strip(), blocks[1].strip()
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert main in ci and test in ci
    assert ci.index(main) < ci.index(test)
    # The main job installs only what it needs: no torch, no sentence-transformers (issue #15).
    assert main == 'pip install -e . && fashen ingest && fashen search "镇政府的文件能不能规定罚款" -k 5'
    assert test == "pip install torch==2.13.0 && pip install -e '.[st,dev]' && python -m pytest"


def test_the_main_install_pulls_no_torch():
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert not [d for d in project["dependencies"] if re.match(r"(torch|sentence-transformers)\b", d)]
    assert any(d.startswith("sentence-transformers") for d in project["optional-dependencies"]["st"])
