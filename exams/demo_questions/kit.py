"""How a demo question is written (``single``, ``multiple``, ``true_false``, ``essay``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from exams.models import KnowledgeArea, QuestionType

KEYS = "ABCDEFGH"


@dataclass(frozen=True)
class DemoQuestion:
    kind: str
    area: str
    difficulty: int
    text_zh: str
    text_en: str
    options: tuple[tuple[str, str], ...] = ()
    answer: str = ""  # the letters of the right options
    rubric_zh: str = ""
    rubric_en: str = ""
    max_score: int = 1

    @property
    def _keys(self) -> str:
        return "TF" if self.kind == QuestionType.TRUE_FALSE else KEYS

    def fields(self) -> dict[str, Any]:
        """The ``Question`` fields this question stores (course, family and status aside)."""
        return {
            "question_type": self.kind,
            "knowledge_area": self.area,
            "difficulty": self.difficulty,
            "text_zh": self.text_zh,
            "text_en": self.text_en,
            "options": [{"key": self._keys[i], "zh": zh, "en": en} for i, (zh, en) in enumerate(self.options)],
            "correct": list(self.answer),
            "rubric_zh": self.rubric_zh,
            "rubric_en": self.rubric_en,
            "max_score": self.max_score,
        }


def single(
    area: KnowledgeArea, difficulty: int, zh: str, en: str, options: list[tuple[str, str]], *, answer: str
) -> DemoQuestion:
    return DemoQuestion(QuestionType.SINGLE, area, difficulty, zh, en, tuple(options), answer)


def multiple(
    area: KnowledgeArea, difficulty: int, zh: str, en: str, options: list[tuple[str, str]], *, answer: str
) -> DemoQuestion:
    """Scored 2: all or nothing on the demo papers."""
    return DemoQuestion(QuestionType.MULTIPLE, area, difficulty, zh, en, tuple(options), answer, max_score=2)


def true_false(area: KnowledgeArea, difficulty: int, zh: str, en: str, *, true: bool) -> DemoQuestion:
    options = (("正確", "True"), ("錯誤", "False"))
    return DemoQuestion(QuestionType.TRUE_FALSE, area, difficulty, zh, en, options, "T" if true else "F")


def essay(area: KnowledgeArea, difficulty: int, zh: str, en: str, *, rubric_zh: str, rubric_en: str) -> DemoQuestion:
    """Scored 10, by the rubric's points."""
    return DemoQuestion(
        QuestionType.ESSAY, area, difficulty, zh, en, rubric_zh=rubric_zh, rubric_en=rubric_en, max_score=10
    )
