"""A fake LLM provider for tests: replays queued answers and records what it was sent."""

from __future__ import annotations

from collections.abc import Iterator

from assistant.errors import LLMError


class FakeProvider:
    """Replays `answers` in order (the last one repeats); an Exception in the queue is raised instead."""

    name = "fake"

    def __init__(self, answers: list[str | Exception] | None = None, model: str = "fake-model") -> None:
        self.model: str | None = model
        self.answers: list[str | Exception] = list(answers or [])
        self.calls: list[list[dict[str, str]]] = []

    def _next(self, messages: list[dict[str, str]]) -> str:
        self.calls.append([dict(m) for m in messages])
        if not self.answers:
            raise LLMError("FakeProvider: no answers queued")
        answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        if isinstance(answer, Exception):
            raise answer
        return answer

    def complete(self, messages: list[dict[str, str]]) -> str:
        """The next queued answer."""
        return self._next(messages)

    def stream(self, messages: list[dict[str, str]]) -> Iterator[str]:
        """The next queued answer, a few characters at a time."""
        answer = self._next(messages)
        for i in range(0, len(answer), 4):
            yield answer[i : i + 4]
