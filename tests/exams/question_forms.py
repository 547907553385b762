"""The question admin's form as the program office posts it, for the tests of the form (its fields, its refusals)
and of the rules it shares with the import."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import translation


def english(name: str, *args: Any) -> str:
    """The URL of ``name`` in English."""
    with translation.override("en"):
        return reverse(name, args=args)


def question_form(world, **changes: Any) -> dict[str, Any]:
    """The add form of a single-choice question of three options keyed B, in ``world.course``, with ``changes``."""
    return {
        "course": world.course.pk, "knowledge_area": "economics", "difficulty": 2, "question_type": "single",
        "status": "draft", "text_zh": "存款保險的保額上限為何？", "text_en": "What is the deposit insurance limit?",
        "options_zh": "100 萬\n300 萬\n500 萬", "options_en": "1 million\n3 million\n5 million", "correct": "B",
        "rubric_zh": "", "rubric_en": "", "max_score": "1",
    } | changes  # fmt: skip


def field_row(page: str, field: str) -> str:
    """The admin's row of ``field``: its label, its errors, its input and its help."""
    return page.split(f"field-{field}", 1)[1].split('class="form-row', 1)[0]
