"""The demo's question bank, written for the demo: one module per course, each a list ``QUESTIONS``.

Every question is bilingual (zh-Hant in Taiwan usage, and English), tagged with the knowledge area
of section D it tests, and graded 1 (easy) to 5 (hard). Options are given in the order shown to
authors; keys A, B, C … follow that order, and ``answer`` names the right ones by those letters (a
true-or-false question's keys are T and F). The helpers that write a question are in ``kit``.

A course holds six single-choice, four multiple-choice and four true-or-false questions and one essay
with its rubric. ``exams.demo`` builds the papers' blueprints from the bank: each group of the same
type, difficulty and knowledge area gives half its questions to a paper, so every draw has twice the
questions it needs (the essay, one per course, is in every paper).
"""

from __future__ import annotations

from . import bcm101, bcm102, bcm103, bcm201, bcm211, bcm212, bcm221, bcm222, bcm301, bcm302, bcm303, bcm304
from .kit import DemoQuestion

BY_COURSE: dict[str, list[DemoQuestion]] = {
    "BCM-101": bcm101.QUESTIONS,
    "BCM-102": bcm102.QUESTIONS,
    "BCM-103": bcm103.QUESTIONS,
    "BCM-201": bcm201.QUESTIONS,
    "BCM-211": bcm211.QUESTIONS,
    "BCM-212": bcm212.QUESTIONS,
    "BCM-221": bcm221.QUESTIONS,
    "BCM-222": bcm222.QUESTIONS,
    "BCM-301": bcm301.QUESTIONS,
    "BCM-302": bcm302.QUESTIONS,
    "BCM-303": bcm303.QUESTIONS,
    "BCM-304": bcm304.QUESTIONS,
}
