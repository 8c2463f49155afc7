"""evals/README.md cannot drift: its suites, primary metrics, metric names and command options exist."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import typer

from assistant.cli_eval import eval_app
from evals.suites import builtin_suites

README = Path(__file__).resolve().parents[2] / "evals" / "README.md"


def _suite_rows(text: str) -> dict[str, list[str]]:
    rows = {}
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 4 and cells[0] in builtin_suites():
            rows[cells[0]] = [m.strip() for m in cells[3].split(",")]
    return rows


def test_every_suite_is_documented_with_its_primary_metrics():
    rows = _suite_rows(README.read_text(encoding="utf-8"))
    suites = builtin_suites()
    assert list(rows) == list(suites)
    for name, primary in rows.items():
        assert primary == list(suites[name].primary), name


def test_metric_names_in_the_readme_exist():
    known = {name for s in builtin_suites().values() for name in s.metrics([])}
    section = README.read_text(encoding="utf-8").split("## What the metrics mean")[1].split("## Adding")[0]
    named = set(re.findall(r"`([a-z_]+(?:@\d+)?)`", section))
    named |= {f"{n}@{k}" for n in ("recall", "hit") for k in (1, 3, 5, 10, 20, 30, 50, 100) if f"`{n}@k`" in section}
    named -= {"recall@k", "hit@k", "must_say_fuzzy", "unverified", "items", "skipped", *builtin_suites()}
    assert named - known == set()


def test_readme_commands_use_real_options():
    commands = typer.main.get_command(eval_app).commands
    lines = [ln.split("#")[0].strip() for ln in README.read_text(encoding="utf-8").splitlines()
             if ln.strip().startswith("fashen eval ")]
    assert len(lines) >= 8
    for line in lines:
        words = shlex.split(line)
        cmd = commands[words[2]]
        opts = {o for p in cmd.params for o in (*p.opts, *p.secondary_opts)}
        for w in words[3:]:
            if w.startswith("-"):
                assert w in opts, (line, w)
