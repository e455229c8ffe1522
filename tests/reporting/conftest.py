from datetime import date

import pytest

from tests.conftest import make_user
from vanguard.accounts.models import Role
from vanguard.campaigns import services

PLAN = {
    "study": (date(2024, 7, 1), date(2024, 8, 14)),
    "analysis": (date(2024, 8, 15), date(2024, 9, 13)),
    "rectification": (date(2024, 9, 14), date(2024, 10, 13)),
}


@pytest.fixture
def unit_a(enrollments):
    """Unit A (batch 2) with its phase plan."""
    enrollment = enrollments["A"]
    services.save_phase_plan(enrollment, PLAN, acting=None)
    return enrollment


@pytest.fixture
def liaison_b(tree, enrollments):
    """The liaison officer of unit B, in the other batch."""
    return make_user("liaison_b", Role.LIAISON, tree["B"])
