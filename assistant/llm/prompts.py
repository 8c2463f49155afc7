"""Prompt templates as files in prompts/: YAML front matter (version, variables, untrusted) and a {variable} body."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import BaseModel, Field, ValidationError, field_validator

from assistant.config import PROMPTS_DIR
from assistant.errors import ConfigError
from assistant.llm.guard import wrap_untrusted

# Only {identifier} is a placeholder, so JSON examples in a prompt ({"code": …}) need no escaping.
_PLACEHOLDER_RE = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
# A line of its own that splits the body into the system message (before) and the user message (after).
USER_MARKER = "<!-- user -->"
_FRONT_MATTER_RE = re.compile(r"\A---\s*\n(.*?)\n---\s*\n(.*)\Z", re.DOTALL)


class Prompt(BaseModel):
    """A loaded prompt template; `render` fills it, `messages` turns it into chat messages."""

    name: str
    version: str
    variables: list[str]
    untrusted: list[str] = Field(default_factory=list, description="variables fenced with wrap_untrusted")
    template: str
    path: Path | None = None

    @field_validator("version", mode="before")
    @classmethod
    def _version_as_text(cls, v: object) -> str:
        return str(v)

    def _check(self, values: dict[str, object]) -> None:
        missing = [v for v in self.variables if v not in values]
        extra = [k for k in values if k not in self.variables]
        if missing or extra:
            raise ConfigError(
                f"提示词模板 {self.name}（版本 {self.version}）的变量不符：缺少 {missing or '无'}，多余 {extra or '无'}；"
                f"应提供 {self.variables}。"
            )

    def _fill(self, text: str, values: dict[str, object]) -> str:
        # One pass with a callback: a value that itself contains "{question}" is never expanded again.
        def sub(m: re.Match[str]) -> str:
            key = m.group(1)
            value = "" if values[key] is None else str(values[key])
            return wrap_untrusted(value, tag=key) if key in self.untrusted else value

        return _PLACEHOLDER_RE.sub(sub, text)

    def _parts(self) -> tuple[str, str]:
        system, sep, user = self.template.partition(USER_MARKER)
        return (system.strip(), user.strip()) if sep else ("", self.template.strip())

    def render(self, **values: object) -> str:
        """The whole prompt as one text; ConfigError if a variable is missing or not declared."""
        self._check(values)
        system, user = self._parts()
        return "\n\n".join(p for p in (self._fill(system, values), self._fill(user, values)) if p)

    def messages(self, **values: object) -> list[dict[str, str]]:
        """Chat messages: the part before the user marker as system, the rest as user."""
        self._check(values)
        system, user = self._parts()
        out = [{"role": "system", "content": self._fill(system, values)}] if system else []
        return out + [{"role": "user", "content": self._fill(user, values)}]


def parse_prompt(name: str, text: str, path: Path | None = None) -> Prompt:
    """Parse a prompt file's text; ConfigError when the header is missing or disagrees with the body."""
    where = str(path or name)
    m = _FRONT_MATTER_RE.match(text.lstrip("\ufeff"))
    if not m:
        raise ConfigError(f"提示词文件 {where} 缺少以 --- 包围的 YAML 头（version、variables）。")
    try:
        header = yaml.safe_load(m.group(1)) or {}
        prompt = Prompt(name=name, template=m.group(2), path=path, **header)
    except (yaml.YAMLError, ValidationError, TypeError) as exc:
        raise ConfigError(f"提示词文件 {where} 的 YAML 头无效：{exc}") from exc
    used = set(_PLACEHOLDER_RE.findall(prompt.template))
    declared = set(prompt.variables)
    if used != declared or not set(prompt.untrusted) <= declared:
        raise ConfigError(
            f"提示词文件 {where} 的变量声明与正文不一致：正文使用 {sorted(used)}，声明 {sorted(declared)}，"
            f"untrusted {sorted(prompt.untrusted)}。请修改 YAML 头中的 variables。"
        )
    return prompt


@lru_cache(maxsize=64)
def _load(path: Path, mtime: float) -> Prompt:
    return parse_prompt(path.stem, path.read_text(encoding="utf-8"), path)


def load_prompt(name: str, directory: Path | None = None) -> Prompt:
    """Load prompts/<name>.md; ConfigError naming the known prompts when there is no such file."""
    directory = directory or PROMPTS_DIR
    path = directory / f"{name}.md"
    if not path.is_file():
        known = ", ".join(available_prompts(directory)) or "无"
        raise ConfigError(f"找不到提示词模板 {name}（{path}）。已有：{known}。")
    return _load(path, path.stat().st_mtime)


def available_prompts(directory: Path | None = None) -> list[str]:
    """Names of the prompt files in the prompts directory."""
    return sorted(p.stem for p in (directory or PROMPTS_DIR).glob("*.md"))


def prompt_versions(directory: Path | None = None) -> dict[str, str]:
    """{name: version} of every prompt, for eval reports and audit records."""
    return {n: load_prompt(n, directory).version for n in available_prompts(directory)}
