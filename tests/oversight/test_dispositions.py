"""Non-qualifying members (R23): the case's dated steps, and who may see a case — in the
list, its search, the Excel export, the detail page, the member's and the unit's pages and
the Django admin. Entitled: the office and the member's own unit administrators (alice
for bob, who is in A1 under A) — and bob himself, read-only."""

from datetime import timedelta
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from tests.conftest import make_user
from tests.reports.helpers import content, export
from vanguard.accounts.access import Scope
from vanguard.accounts.models import Role
from vanguard.oversight import services
from vanguard.oversight.models import DispositionCase, Outcome

ENTITLED = ["office", "alice"]
NOT_ENTITLED = ["leader", "liaison", "charlie"]


def _cases_url(case, name="oversight:dispositions"):
    return reverse(name, args=[case.campaign_id])


def _names_in_export(response):
    workbook = load_workbook(BytesIO(content(response)))
    return [row[0] for row in workbook.active.iter_rows(min_row=2, values_only=True)]


# -- the rule, as one function ------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "sees"),
    [
        ("office", True),
        ("alice", True),
        ("bob", True),  # his own case, read-only
        ("leader", False),
        ("liaison", False),
        ("charlie", False),
        ("dave", False),  # another member of A1
    ],
)
def test_the_rule_names_exactly_the_entitled(personas, case, other_member, persona, sees):
    user = other_member.user if persona == "dave" else personas[persona]
    scope = Scope.for_user(user)
    assert DispositionCase.objects.visible_to(scope).filter(pk=case.pk).exists() is sees
    assert scope.can_see_disposition_of(case.member) is sees


def test_a_superuser_is_not_entitled_by_being_one(case):
    admin = make_user("root")
    admin.is_superuser = admin.is_staff = True
    admin.save()
    assert not DispositionCase.objects.visible_to(Scope.for_user(admin)).exists()


# -- list, search, export, detail ---------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status", "sees"),
    [
        ("office", 200, True),
        ("alice", 200, True),
        ("charlie", 200, False),
        ("leader", 404, False),
        ("liaison", 404, False),
        ("bob", 404, False),
    ],  # a member has no list: his case is on his own page
)
def test_case_list_access(login, personas, case, persona, status, sees):
    response = login(personas[persona]).get(_cases_url(case))
    assert response.status_code == status
    assert ("鲍勃" in response.content.decode()) is sees


def test_case_list_needs_login(client, case):
    response = client.get(_cases_url(case))
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_charlie_lists_his_own_units_cases_but_not_a(login, personas, case, campaign, tree):
    from tests.conftest import make_member

    colleague = make_member(tree["B"], "B-009", "乙同事")
    services.open_case(
        campaign,
        colleague,
        by=personas["charlie"],
        opened_on=case.opened_on,
        reason="问题",
        acting=None,
    )
    body = login(personas["charlie"]).get(_cases_url(case)).content.decode()
    assert "乙同事" in body and "鲍勃" not in body


@pytest.mark.parametrize("persona", ["office", "alice", "charlie"])
def test_search_finds_only_visible_cases(login, personas, case, persona):
    response = login(personas[persona]).get(_cases_url(case), {"q": "鲍"})
    found = [c.pk for c in response.context["page"]]
    assert found == ([case.pk] if persona in ENTITLED else [])


@pytest.mark.parametrize(
    ("persona", "status", "rows"),
    [
        ("office", 200, ["鲍勃"]),
        ("alice", 200, ["鲍勃"]),
        ("charlie", 200, []),
        ("leader", 404, None),
        ("liaison", 404, None),
        ("bob", 404, None),
    ],
)
def test_export_holds_only_visible_cases(login, personas, case, persona, status, rows):
    response = export(login(personas[persona]), _cases_url(case, "oversight:dispositions-export"))
    assert response.status_code == status
    if status == 200:
        assert _names_in_export(response) == rows


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("office", 200),
        ("alice", 200),
        ("bob", 200),
        ("leader", 404),
        ("liaison", 404),
        ("charlie", 404),
        ("dave", 404),
    ],
)
def test_case_detail_access(login, personas, case, other_member, persona, status):
    user = other_member.user if persona == "dave" else personas[persona]
    response = login(user).get(reverse("oversight:disposition", args=[case.pk]))
    assert response.status_code == status


def test_the_member_sees_his_case_but_cannot_change_it(login, personas, case, today):
    client = login(personas["bob"])
    page = client.get(reverse("oversight:disposition", args=[case.pk]))
    assert page.context["can_change"] is False and page.context["talk_form"] is None
    response = client.post(
        reverse("oversight:disposition-talk", args=[case.pk]),
        {"held_on": today.isoformat(), "talked_by": "我", "summary": "无"},
    )
    assert response.status_code == 403
    assert not case.talks.exists()


@pytest.mark.parametrize(
    ("persona", "status"),
    [("office", 302), ("alice", 302), ("bob", 403), ("leader", 404), ("charlie", 404)],
)
def test_only_the_office_and_unit_admins_record_talks(
    login, personas, case, today, persona, status
):
    response = login(personas[persona]).post(
        reverse("oversight:disposition-talk", args=[case.pk]),
        {"held_on": today.isoformat(), "talked_by": "支部书记", "summary": "谈心"},
    )
    assert response.status_code == status
    assert case.talks.exists() is (status == 302)


def test_member_page_shows_own_case_only_to_himself(login, personas, case, other_member):
    mine = login(personas["bob"]).get(reverse("portal:me")).content.decode()
    assert 'id="my-case"' in mine and "长期不参加组织生活" in mine
    theirs = login(other_member.user).get(reverse("portal:me")).content.decode()
    assert 'id="my-case"' not in theirs and "长期不参加组织生活" not in theirs


@pytest.mark.parametrize(
    ("persona", "shown"),
    [("office", True), ("alice", True), ("leader", False), ("liaison", False), ("bob", False)],
)
def test_unit_page_counts_open_cases_only_for_the_entitled(
    login, personas, case, enrollments, persona, shown
):
    url = reverse("campaigns:unit", args=[case.campaign_id, enrollments["A"].pk])
    body = login(personas[persona]).get(url).content.decode()
    panel_link = reverse("oversight:dispositions", args=[case.campaign_id]) + "?state=open"
    assert (panel_link in body) is shown


# -- the Django admin ---------------------------------------------------------------------


@pytest.fixture
def staff(db):
    def make(username, role=None, org=None):
        user = make_user(username, role, org)
        user.is_staff = user.is_superuser = True
        user.save()
        return user

    return make


def test_admin_applies_the_rule_to_superusers(client, staff, case, tree):
    changelist = reverse("admin:oversight_dispositioncase_changelist")
    change = reverse("admin:oversight_dispositioncase_change", args=[case.pk])

    plain = staff("root")
    client.force_login(plain)
    assert client.get(changelist).context["cl"].result_count == 0
    assert client.get(changelist, {"q": "鲍勃"}).context["cl"].result_count == 0
    assert client.get(change).status_code == 302  # "does not exist", back to the index
    outsider = staff("root_b", Role.UNIT_ADMIN, tree["B"])
    client.force_login(outsider)
    assert client.get(changelist, {"q": "鲍勃"}).context["cl"].result_count == 0

    entitled = staff("root_a", Role.UNIT_ADMIN, tree["A"])
    client.force_login(entitled)
    assert client.get(changelist, {"q": "鲍勃"}).context["cl"].result_count == 1
    assert client.get(change).status_code == 200


def test_admin_offers_no_adding_and_no_history_view(client, staff, case, tree):
    client.force_login(staff("root_office", Role.OFFICE, tree["root"]))
    assert client.get(reverse("admin:oversight_dispositioncase_add")).status_code == 403
    history = f"/admin/oversight/dispositioncase/{case.pk}/history/"
    client.force_login(staff("root_plain"))
    assert client.get(history).status_code in (302, 404)


# -- the case's steps, each dated ---------------------------------------------------------


def test_a_case_runs_talk_deadline_outcome(case, today):
    talk = services.record_talk(
        case, held_on=today, talked_by="支部书记", summary="谈心", acting=None
    )
    services.set_deadline(case, set_on=today, improve_by=today + timedelta(days=30), acting=None)
    with pytest.raises(ValidationError):  # the procedure waits for the deadline
        services.conclude_case(case, outcome=Outcome.PROCEDURE, outcome_on=today, acting=None)
    services.conclude_case(
        case, outcome=Outcome.TRANSFORMED, outcome_on=today, note="已转化", acting=None
    )

    case.refresh_from_db()
    assert (talk.held_on, case.deadline_set_on, case.outcome_on) == (today, today, today)
    assert case.outcome == Outcome.TRANSFORMED
    with pytest.raises(ValidationError):  # concluded: nothing more
        services.record_talk(case, held_on=today, talked_by="x", summary="y", acting=None)


def test_deadline_needs_a_talk_first_and_dates_cannot_be_in_the_future(case, today):
    with pytest.raises(ValidationError):
        services.set_deadline(
            case, set_on=today, improve_by=today + timedelta(days=10), acting=None
        )
    with pytest.raises(ValidationError):
        services.record_talk(
            case,
            held_on=today + timedelta(days=1),
            talked_by="支部书记",
            summary="谈心",
            acting=None,
        )


def test_procedure_after_the_deadline_and_discipline_without_one(case, campaign, people, today):
    services.record_talk(case, held_on=today, talked_by="支部书记", summary="谈心", acting=None)
    case.opened_on = case.deadline_set_on = today - timedelta(days=40)
    case.improve_by = today - timedelta(days=1)
    case.save()
    services.conclude_case(case, outcome=Outcome.PROCEDURE, outcome_on=today, acting=None)
    assert case.outcome == Outcome.PROCEDURE

    other = services.open_case(
        campaign, people["carol"], by=None, opened_on=today, reason="违纪", acting=None
    )
    services.conclude_case(other, outcome=Outcome.DISCIPLINE, outcome_on=today, acting=None)
    assert DispositionCase.objects.filter(outcome=Outcome.DISCIPLINE).count() == 1


def test_one_open_case_per_member(case, campaign, people, today):
    with pytest.raises(ValidationError):
        services.open_case(
            campaign, people["bob"], by=None, opened_on=today, reason="again", acting=None
        )


def test_failed_talk_form_keeps_what_was_typed(login, personas, case, today):
    response = login(personas["alice"]).post(
        reverse("oversight:disposition-talk", args=[case.pk]),
        {
            "held_on": (today + timedelta(days=3)).isoformat(),
            "talked_by": "支部书记王某",
            "summary": "谈了很多",
        },
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "支部书记王某" in body and "谈了很多" in body
    assert response.context["talk_form"].non_field_errors()


def test_the_office_opens_a_case_from_the_list(login, personas, campaign, people, today):
    response = login(personas["office"]).post(
        reverse("oversight:disposition-new", args=[campaign.pk]),
        {"member": people["carol"].pk, "opened_on": today.isoformat(), "reason": "不交党费"},
    )
    assert response.status_code == 302
    assert DispositionCase.objects.get().member == people["carol"]


def test_a_unit_admin_cannot_open_a_case_outside_his_unit(login, personas, campaign, people, today):
    response = login(personas["charlie"]).post(
        reverse("oversight:disposition-new", args=[campaign.pk]),
        {"member": people["carol"].pk, "opened_on": today.isoformat(), "reason": "x"},
    )
    assert response.status_code == 400  # carol is not among the members he may choose
    assert not DispositionCase.objects.exists()
