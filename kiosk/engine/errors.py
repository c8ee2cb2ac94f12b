"""Errors the engine raises: bad content (for city staff) and bad answers (for residents)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class ContentProblem:
    """One problem in a content file, located precisely enough for a clerk to fix it."""

    file: str
    line: int | None
    key: str
    message: str
    fix: str = ""
    severity: str = "error"  # "error" stops start-up; "warning" is reported only

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        text = f"{where}: {self.key}: {self.message}" if self.key else f"{where}: {self.message}"
        if self.fix:
            text += f"\n    直し方: {self.fix}"
        return text


@dataclass
class ContentError(Exception):
    """Raised when content cannot be loaded; carries every problem found, not only the first."""

    problems: list[ContentProblem] = field(default_factory=list)

    def __str__(self) -> str:
        count = len(self.problems)
        lines = [f"内容ファイルに {count} 件の問題があります:"]
        lines += [str(p) for p in self.problems]
        return "\n".join(lines)


class AnswerError(ValueError):
    """An answer a question cannot take.

    `key` and `source` are a localizable phrase (kiosk.engine.localize): `message` is the Japanese text, and
    the web layer shows the resident's language with `localizer.phrase(key, source, **params)`.
    """

    def __init__(self, question_id: str, code: str, phrase: tuple[str, str], **params: object) -> None:
        self.key, self.source = phrase
        self.params = params
        self.message = self.source.format(**params) if params else self.source
        super().__init__(f"{question_id}: {self.message}")
        self.question_id = question_id
        self.code = code
