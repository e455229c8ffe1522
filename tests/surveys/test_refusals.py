"""Every state-changing survey service checks its actor without a view in between: the
upper level (the office) runs unit A's survey; charlie (admin of unrelated B), the
read-only roles and A's own administrator (a unit does not survey itself) are refused."""

import io
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied

from tests.surveys.conftest import CLOSES, OPENS, frame_bytes, people
from vanguard.accounts.access import Scope
from vanguard.surveys import services
from vanguard.surveys.models import Channel, Method

TODAY = date(2024, 11, 1)


def scope_of(user):
    return Scope.for_user(user, today=TODAY)


def frame_of(survey):
    return services.store_frame(
        survey, Method.RANDOM_SAMPLE, people(20), filename="list.xlsx", acting=None
    )


def draw_of(survey):
    announcement = services.Announcement(
        seed="1-2-3", seed_source="掷骰子", witnesses=["甲", "乙"], size=5, strata={}
    )
    return services.announce_draw(frame_of(survey), announcement, acting=None)


def actions(enrollment, survey):
    announcement = services.Announcement(
        seed="1-2-3", seed_source="掷骰子", witnesses=["甲", "乙"], size=5, strata={}
    )
    return {
        "create_survey": lambda acting: services.create_survey(
            enrollment, opens_on=OPENS, closes_on=CLOSES, acting=acting
        ),
        "reschedule_survey": lambda acting: services.reschedule_survey(
            survey, opens_on=OPENS, closes_on=CLOSES, acting=acting
        ),
        "import_frame": lambda acting: services.import_frame(
            survey,
            Method.RANDOM_SAMPLE,
            io.BytesIO(frame_bytes(people(3))),
            filename="list.xlsx",
            acting=acting,
        ),
        "store_frame": lambda acting: services.store_frame(
            survey, Method.RANDOM_SAMPLE, people(3), filename="list.xlsx", acting=acting
        ),
        "announce_draw": lambda acting: services.announce_draw(
            frame_of(survey), announcement, acting=acting
        ),
        "make_draw": lambda acting: services.make_draw(draw_of(survey), acting=acting),
        "issue_codes": lambda acting: services.issue_codes(
            survey, channel=Channel.SLIP, acting=acting
        ),
        "appoint_tellers": lambda acting: services.appoint_tellers(
            survey, ["甲", "乙", "丙"], acting=acting
        ),
        "open_survey": lambda acting: services.open_survey(survey, acting=acting),
        "close_survey": lambda acting: services.close_survey(survey, [], acting=acting),
        "publish_results": lambda acting: services.publish_results(survey, acting=acting),
    }


NAMES = [
    "create_survey",
    "reschedule_survey",
    "import_frame",
    "store_frame",
    "announce_draw",
    "make_draw",
    "issue_codes",
    "appoint_tellers",
    "open_survey",
    "close_survey",
    "publish_results",
]


@pytest.mark.parametrize("action", NAMES)
@pytest.mark.parametrize("persona", ["charlie", "leader", "liaison", "alice", "bob"])
def test_outsiders_readers_and_the_unit_itself_are_refused(
    personas, enrollments, survey, action, persona
):
    run = actions(enrollments["A"], survey)[action]
    with pytest.raises(PermissionDenied):
        run(scope_of(personas[persona]))


@pytest.mark.parametrize("action", ["reschedule_survey", "store_frame", "appoint_tellers"])
def test_the_upper_level_acts(personas, enrollments, survey, action):
    actions(enrollments["A"], survey)[action](scope_of(personas["office"]))  # no refusal
