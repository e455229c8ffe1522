"""Issue 19: words that meant two things. A msgid shared by two features gets a context
(pgettext), and each page uses the one of its meaning."""

from pathlib import Path

import pytest
from django.utils import translation
from django.utils.translation import gettext, pgettext

TEMPLATES = Path(__file__).resolve().parents[1] / "vanguard"


@pytest.fixture(autouse=True)
def chinese():
    with translation.override("zh-hans"):
        yield


def template(path: str) -> str:
    return (TEMPLATES / path).read_text()


def test_the_three_visits_form_is_not_the_supervision_visit():
    three_visits = pgettext("leaders visiting classrooms, homes, communities", "Record a visit")
    assert three_visits == "记录三进活动" != gettext("Record a visit")
    assert "leaders visiting classrooms" in template("study/templates/study/visits.html")


def test_the_liaison_s_status_column_is_not_headed_access_period():
    assert pgettext("liaison assignment", "Status") == "在岗状态"
    page = template("oversight/templates/oversight/my_assignments.html")
    assert '{% translate "Access" %}' not in page and 'context "liaison assignment"' in page


def test_ballot_codes_are_voting_codes_not_survey_codes():
    assert gettext("Number of codes") == "投票码数量"


def test_opinion_counts_read_as_a_sentence():
    assert gettext("%(total)s / %(open)s open") % {"total": 4, "open": 0} == "共4条，待答复0条"


def test_a_study_note_s_text_is_not_labelled_remarks(db):
    from vanguard.study.forms import NoteForm
    from vanguard.study.models import StudySession

    form = NoteForm(sessions=StudySession.objects.none())
    assert str(form.fields["content"].label) == "学习心得内容"
