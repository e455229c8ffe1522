"""What a survey asks: the template's overall rating and the graded questions, as data.

All of it is the campaign template's (issue 16): the overall rating is
`[satisfaction].options` (满意 / 基本满意 / 不满意), which the 补课 rule counts; the graded
questions and their grades are `[[satisfaction.questions]]` and `[[satisfaction.grades]]`;
the overall question's wording is `[texts] survey_question` (a neutral one otherwise). A
template without questions asks the overall rating only.

A survey keeps a snapshot of its questionnaire (`Questionnaire.to_dict()`), so its form and
results do not change when the template or the file does.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


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
    prompt: str = ""  # the overall question in the campaign's words ("": the neutral one)

    def to_dict(self) -> dict[str, Any]:
        return {
            "options": [asdict(option) for option in self.options],
            "questions": [asdict(question) for question in self.questions],
            "grades": [asdict(grade) for grade in self.grades],
            **({"prompt": self.prompt} if self.prompt else {}),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Questionnaire:
        return cls(
            options=tuple(Choice(**option) for option in data["options"]),
            questions=tuple(Question(**question) for question in data.get("questions", ())),
            grades=tuple(Choice(**grade) for grade in data.get("grades", ())),
            prompt=data.get("prompt", ""),
        )

    def option_title(self, code: str) -> str:
        return next((option.title for option in self.options if option.code == code), code)

    def grade_title(self, code: str) -> str:
        return next((grade.title for grade in self.grades if grade.code == code), code)


def questionnaire_for(rules) -> Questionnaire:
    """The questionnaire a new survey of a campaign with these rules asks."""
    satisfaction = rules.satisfaction
    return Questionnaire(
        options=tuple(Choice(option.code, option.title) for option in satisfaction.options),
        questions=tuple(Question(q.code, q.title, q.notice_ref) for q in satisfaction.questions),
        grades=tuple(Choice(grade.code, grade.title) for grade in satisfaction.grades),
        prompt=rules.text("survey_question"),
    )
