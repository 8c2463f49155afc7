"""Errors a user can act on: each message says what went wrong, with which file, and what to do."""


class FashenError(Exception):
    """Base error; `exit_code` is what the CLI returns (DESIGN §5)."""

    exit_code = 1


class InputError(FashenError):
    """Bad input: a missing, empty, corrupt, encrypted, oversized or unreadable file or argument."""

    exit_code = 2


class ConfigError(FashenError):
    """Configuration problem or missing knowledge base."""

    exit_code = 3


class KnowledgeBaseMissing(ConfigError):
    """No knowledge base has been built yet."""

    def __init__(self, path: str) -> None:
        super().__init__(f"知识库尚未建立（{path}）。请先运行 `fashen ingest` 建立默认知识库。")


class RuleCatalogError(ConfigError):
    """A rule file is invalid or its legal basis does not resolve in the knowledge base."""


class LockBusy(FashenError):
    """Another process holds the knowledge-base write lock."""

    exit_code = 3


class LLMError(FashenError):
    """The configured model endpoint failed; callers fall back to the deterministic backend."""


class NotFound(InputError):
    """What was asked for is not in the knowledge base (an instrument, an article); HTTP 404."""
