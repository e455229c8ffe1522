"""Every state-changing service of the campaigns app checks its actor: called with the
scope of someone outside the unit (charlie, admin of unrelated B) or of a read-only role,
it refuses without a view in between; with the unit's managers or the upper level it acts."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from vanguard.accounts.access import Scope
from vanguard.campaigns import services
from vanguard.campaigns.models import RemedialCycle, StepRecord, StepStatus

TODAY = date(2024, 7, 10)


def scope_of(user):
    return Scope.for_user(user, today=TODAY)


@pytest.fixture
def unit(enrollments):
    return enrollments["A"]


def step_code(enrollment):
    return enrollment.campaign.rules.phases[0].steps[0].code


def actions(enrollment):
    """Each service as a call taking the acting scope."""
    code = step_code(enrollment)
    windows = {
        phase.code: (date(2024, 7, 1), date(2024, 12, 31))
        for phase in enrollment.campaign.rules.phases[:1]
    }

    def evidence(acting):
        record, _ = StepRecord.objects.get_or_create(enrollment=enrollment, step_code=code)
        file = SimpleUploadedFile("a.txt", b"a")
        return services.add_evidence(record, title="t", file=file, user=None, acting=acting)

    def schedule(acting):
        cycle = RemedialCycle.objects.create(
            enrollment=enrollment, number=9, reason="r", opened_on=TODAY
        )
        return services.schedule_remedial(
            cycle, starts_on=TODAY, ends_on=date(2024, 8, 1), acting=acting
        )

    return {
        "save_phase_plan": lambda acting: services.save_phase_plan(
            enrollment, windows, acting=acting
        ),
        "record_step": lambda acting: services.record_step(
            enrollment, code, status=StepStatus.DONE, acting=acting
        ),
        "add_evidence": evidence,
        "start_remedial": lambda acting: services.start_remedial(
            enrollment, reason="r", acting=acting
        ),
        "schedule_remedial": schedule,
        "close_enrollment": lambda acting: services.close_enrollment(enrollment, acting=acting),
    }


MANAGE = ["save_phase_plan", "record_step", "add_evidence"]
SUPERVISE = ["start_remedial", "schedule_remedial", "close_enrollment"]


@pytest.mark.parametrize("action", MANAGE + SUPERVISE)
@pytest.mark.parametrize("persona", ["charlie", "leader", "liaison", "bob"])
def test_outsiders_and_readers_are_refused(personas, unit, action, persona):
    with pytest.raises(PermissionDenied):
        actions(unit)[action](scope_of(personas[persona]))


@pytest.mark.parametrize("action", SUPERVISE)
def test_the_unit_does_not_act_as_its_own_upper_level(personas, unit, action):
    with pytest.raises(PermissionDenied):
        actions(unit)[action](scope_of(personas["alice"]))


@pytest.mark.parametrize("action", MANAGE)
def test_the_units_admin_acts(personas, unit, action):
    actions(unit)[action](scope_of(personas["alice"]))  # no refusal


@pytest.mark.parametrize("action", ["start_remedial", "schedule_remedial"])
def test_the_upper_level_acts(personas, unit, action):
    actions(unit)[action](scope_of(personas["office"]))  # no refusal
