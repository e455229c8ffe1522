"""What a survey asks: the template's overall rating and the graded questions, as data.

The overall rating is the campaign template's `[satisfaction].options` (满意 / 基本满意 /
不满意), which the 补课 rule counts. The graded questions and their grades are declared in
`definitions/questions.toml` until the template format carries them; a template whose
`satisfaction` gains `questions` and `grades` (see the proposal in this module's
`template_questions`) is used instead.

A survey keeps a snapshot of its questionnaire (`Questionnaire.to_dict()`), so its form and
results do not change when the template or the file does.
"""

from __future__ import annotations

import tomllib
from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path
from typing import Any

QUESTIONS_FILE = Path(__file__).resolve().parent / "definitions" / "questions.toml"


@dataclass(frozen=True)
class Choice:
    code: str
    title: str


@dataclass(frozen=True)
class Question:
    code: str
    title: str
    notice_ref: str = ""


@dataclass(frozen=True)
class Questionnaire:
    options: tuple[Choice, ...]  # the overall rating: the template's satisfaction options
    questions: tuple[Question, ...]
    grades: tuple[Choice, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "options": [asdict(option) for option in self.options],
            "questions": [asdict(question) for question in self.questions],
            "grades": [asdict(grade) for grade in self.grades],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Questionnaire:
        return cls(
            options=tuple(Choice(**option) for option in data["options"]),
            questions=tuple(Question(**question) for question in data.get("questions", ())),
            grades=tuple(Choice(**grade) for grade in data.get("grades", ())),
        )

    def option_title(self, code: str) -> str:
        return next((option.title for option in self.options if option.code == code), code)

    def grade_title(self, code: str) -> str:
        return next((grade.title for grade in self.grades if grade.code == code), code)


class QuestionsError(ValueError):
    """A questions file that breaks the format; the message names the key."""


@cache
def default_questions() -> tuple[tuple[Question, ...], tuple[Choice, ...]]:
    """The graded questions and grades of `definitions/questions.toml`, checked."""
    with QUESTIONS_FILE.open("rb") as file:
        return parse_questions(tomllib.load(file))


def parse_questions(data: dict[str, Any]) -> tuple[tuple[Question, ...], tuple[Choice, ...]]:
    unknown = set(data) - {"questions", "grades"}
    if unknown:
        raise QuestionsError(f"unknown keys: {', '.join(sorted(unknown))}")
    questions = tuple(_items(data, "questions", Question, optional=("notice_ref",)))
    grades = tuple(_items(data, "grades", Choice))
    if questions and not grades:
        raise QuestionsError("grades: must not be empty when there are questions")
    return questions, grades


def _items(data: dict[str, Any], name: str, cls, optional: tuple[str, ...] = ()) -> list:
    items, seen = [], set()
    for index, raw in enumerate(data.get(name, ()), start=1):
        where = f"{name}[{index}]"
        if not isinstance(raw, dict):
            raise QuestionsError(f"{where}: expected a table")
        allowed = {"code", "title", *optional}
        if set(raw) - allowed or not {"code", "title"} <= set(raw):
            raise QuestionsError(f"{where}: expected the keys {', '.join(sorted(allowed))}")
        if not all(isinstance(value, str) and value.strip() for value in raw.values()):
            raise QuestionsError(f"{where}: values must be non-empty strings")
        if raw["code"] in seen:
            raise QuestionsError(f'{where}.code: duplicate code "{raw["code"]}"')
        seen.add(raw["code"])
        items.append(cls(**raw))
    return items


def template_questions(rules) -> tuple[tuple[Question, ...], tuple[Choice, ...]] | None:
    """The template's own graded questions, once the template format has them.

    Proposed format (docs/campaign-templates.md, `[satisfaction]`):
    `questions = [{ code, title, notice_ref }]` and `grades = [{ code, title }]`.
    """
    satisfaction = rules.satisfaction
    questions = getattr(satisfaction, "questions", None)
    if not questions:
        return None
    grades = getattr(satisfaction, "grades", ())
    return (
        tuple(Question(q.code, q.title, getattr(q, "notice_ref", "")) for q in questions),
        tuple(Choice(g.code, g.title) for g in grades),
    )


def questionnaire_for(rules) -> Questionnaire:
    """The questionnaire a new survey of a campaign with these rules asks."""
    questions, grades = template_questions(rules) or default_questions()
    options = tuple(Choice(option.code, option.title) for option in rules.satisfaction.options)
    return Questionnaire(options=options, questions=questions, grades=grades)
