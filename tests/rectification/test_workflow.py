"""An item's life: every allowed status change works, every other one is refused with a
clear message, and only the upper level verifies or reopens; progress notes, publication,
explanations, edits and deletion at their boundaries."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tests.rectification.conftest import scope_of
from vanguard.rectification import services, workflow
from vanguard.rectification.models import ProgressNote, RectificationItem, Status
from vanguard.rectification.workflow import Action

ALL_PAIRS = [(action, status) for action in Action.values for status in Status.values]
ALLOWED = [(a, s) for a, s in ALL_PAIRS if s in workflow.TRANSITIONS[a].sources]
FORBIDDEN = [(a, s) for a, s in ALL_PAIRS if s not in workflow.TRANSITIONS[a].sources]


def put_in(item, status):
    """Force an item into `status` (with a consistent progress) as set-up for a test."""
    progress = 100 if status in (Status.DONE, Status.VERIFIED) else 40
    RectificationItem.objects.filter(pk=item.pk).update(status=status, progress=progress)
    item.refresh_from_db()
    return item


def test_the_table_covers_the_life_of_an_item():
    assert {(a, workflow.TRANSITIONS[a].target) for a in Action.values} == {
        ("start", "in_progress"),
        ("finish", "done"),
        ("verify", "verified"),
        ("reopen", "reopened"),
    }
    assert len(ALLOWED) == 6


@pytest.mark.parametrize(("action", "status"), ALLOWED)
def test_every_allowed_transition_works(items, personas, action, status):
    # given unit A's item in `status`, and the office (which manages A and its parent)
    item = put_in(items["A"], status)

    # when the office takes the action
    result = services.apply_action(
        item, action, acting=scope_of(personas["office"]), user=personas["office"], reason="无效"
    )

    # then the item reaches the transition's target, as stored
    result.refresh_from_db()
    assert result.status == workflow.TRANSITIONS[action].target


@pytest.mark.parametrize(("action", "status"), FORBIDDEN)
def test_every_forbidden_transition_is_refused_with_a_message(items, personas, action, status):
    item = put_in(items["A"], status)

    with pytest.raises(ValidationError) as refused:
        services.apply_action(item, action, acting=scope_of(personas["office"]), reason="无效")

    message = " ".join(refused.value.messages)
    assert str(Status(status).label) in message and str(Action(action).label) in message
    item.refresh_from_db()
    assert item.status == status


def test_finishing_sets_progress_to_100_and_the_day(items, personas):
    item = put_in(items["A"], Status.IN_PROGRESS)
    done = services.apply_action(item, Action.FINISH, acting=scope_of(personas["alice"]))
    assert (done.progress, done.done_on) == (100, timezone.localdate())


@pytest.mark.parametrize("action", [Action.VERIFY, Action.REOPEN])
def test_the_unit_cannot_judge_its_own_item(items, personas, action):
    # alice manages A; A's upper level is the committee, managed by the office only
    item = put_in(items["A"], Status.DONE)
    with pytest.raises(PermissionDenied):
        services.apply_action(item, action, acting=scope_of(personas["alice"]), reason="无效")
    item.refresh_from_db()
    assert item.status == Status.DONE


def test_the_upper_level_of_a_sub_branch_is_its_parent(items, personas):
    # alice manages A, the parent of A1: she verifies A1's item
    item = put_in(items["A1"], Status.DONE)
    verified = services.apply_action(
        item, Action.VERIFY, acting=scope_of(personas["alice"]), user=personas["alice"]
    )
    assert (verified.status, verified.verified_by) == (Status.VERIFIED, personas["alice"])


def test_a_members_item_is_verified_by_the_party_organisation_not_the_member(items, personas):
    item = put_in(items["bob"], Status.DONE)
    with pytest.raises(PermissionDenied):
        services.apply_action(item, Action.VERIFY, acting=scope_of(personas["bob"]))
    verified = services.apply_action(item, Action.VERIFY, acting=scope_of(personas["alice"]))
    assert verified.status == Status.VERIFIED


@pytest.mark.parametrize("persona", ["leader", "liaison", "bob", "charlie"])
def test_readers_and_outsiders_take_no_action(items, personas, persona):
    with pytest.raises(PermissionDenied):
        services.apply_action(items["A"], Action.START, acting=scope_of(personas[persona]))


def test_the_bureaus_items_are_judged_by_the_office(items, personas):
    item = put_in(items["bureau"], Status.DONE)
    with pytest.raises(PermissionDenied):
        services.apply_action(item, Action.VERIFY, acting=scope_of(personas["leader"]))
    assert services.apply_action(item, Action.VERIFY, acting=scope_of(personas["office"])).status


def test_reopening_needs_a_reason_and_keeps_it_on_record(items, personas):
    item = put_in(items["A"], Status.VERIFIED)
    office = scope_of(personas["office"])
    with pytest.raises(ValidationError, match="reason"):
        services.apply_action(item, Action.REOPEN, acting=office, reason="  ")

    reopened = services.apply_action(
        item,
        Action.REOPEN,
        acting=office,
        user=personas["office"],
        reason="群众仍不满意",
        progress=20,
    )

    assert (reopened.status, reopened.progress, reopened.reopen_count) == ("reopened", 20, 1)
    assert reopened.reopen_reason == "群众仍不满意"
    assert reopened.reopened_by == personas["office"]
    assert (reopened.verified_on, reopened.done_on) == (None, None)
    # the rework runs again: start, finish, verify
    for action in (Action.START, Action.FINISH, Action.VERIFY):
        reopened = services.apply_action(reopened, action, acting=office)
    assert reopened.status == Status.VERIFIED
    # the earlier reason stays in the audit trail
    assert reopened.history.filter(reopen_reason="群众仍不满意").exists()


@pytest.mark.parametrize("progress", [-1, 100])
def test_reopening_progress_must_be_below_100(items, personas, progress):
    item = put_in(items["A"], Status.DONE)
    with pytest.raises(ValidationError):
        services.apply_action(
            item,
            Action.REOPEN,
            acting=scope_of(personas["office"]),
            reason="无效",
            progress=progress,
        )
    item.refresh_from_db()
    assert item.status == Status.DONE


# -- progress notes ---------------------------------------------------------------------------


def test_a_first_note_starts_a_planned_item(items, personas):
    note = services.add_note(
        items["A"], acting=scope_of(personas["alice"]), progress=30, text="已制定方案"
    )
    item = RectificationItem.objects.get(pk=items["A"].pk)
    assert (item.status, item.progress) == (Status.IN_PROGRESS, 30)
    assert note.noted_on == timezone.localdate()


@pytest.mark.parametrize(
    ("progress", "noted_on", "text", "field"),
    [
        (100, None, "完成", "progress"),
        (-1, None, "倒退", "progress"),
        (50, timezone.localdate() + timedelta(days=1), "明天的事", "noted_on"),
        (50, None, "   ", "text"),
    ],
)
def test_bad_notes_are_refused_and_write_nothing(items, personas, progress, noted_on, text, field):
    with pytest.raises(ValidationError) as refused:
        services.add_note(
            items["A"],
            acting=scope_of(personas["alice"]),
            progress=progress,
            text=text,
            noted_on=noted_on,
        )
    assert field in refused.value.message_dict
    assert not ProgressNote.objects.exists()
    assert RectificationItem.objects.get(pk=items["A"].pk).status == Status.PLANNED


def test_a_done_item_takes_no_notes(items, personas):
    item = put_in(items["A"], Status.DONE)
    with pytest.raises(ValidationError, match="upper level"):
        services.add_note(item, acting=scope_of(personas["alice"]), progress=50, text="再改")


def test_the_member_and_the_responsible_person_report_progress(items, personas):
    services.add_note(items["bob"], acting=scope_of(personas["bob"]), progress=10, text="在学")
    services.add_note(items["A1"], acting=scope_of(personas["bob"]), progress=10, text="负责")
    with pytest.raises(PermissionDenied):
        services.add_note(items["A"], acting=scope_of(personas["bob"]), progress=10, text="非我")
    with pytest.raises(PermissionDenied):
        services.add_note(items["A"], acting=scope_of(personas["leader"]), progress=10, text="x")


# -- publication, explanation, edits ---------------------------------------------------------


@pytest.mark.parametrize("missing", ["measures", "responsible", "deadline"])
def test_publishing_needs_measures_owner_and_deadline(items, personas, missing):
    item = items["A"]
    setattr(item, missing, "" if missing == "measures" else None)
    item.save()
    with pytest.raises(ValidationError):
        services.publish(item, acting=scope_of(personas["alice"]))
    assert not RectificationItem.objects.get(pk=item.pk).is_published


def test_publishing_a_list_skips_items_not_ready(items, personas, campaign):
    RectificationItem.objects.filter(pk=items["A1"].pk).update(deadline=None)
    unit_items = RectificationItem.objects.filter(enrollment=items["A"].enrollment)
    published, skipped = services.publish_list(unit_items, acting=scope_of(personas["alice"]))
    assert (published, skipped) == (2, 1)
    assert unit_items.filter(published_at__isnull=False).count() == 2


def test_a_published_item_cannot_be_deleted(items, personas):
    alice = scope_of(personas["alice"])
    services.publish(items["A"], acting=alice)
    with pytest.raises(ValidationError):
        services.delete_item(RectificationItem.objects.get(pk=items["A"].pk), acting=alice)
    services.delete_item(items["A1"], acting=alice)
    assert list(RectificationItem.objects.filter(pk__in=[items["A"].pk, items["A1"].pk])) == [
        RectificationItem.objects.get(pk=items["A"].pk)
    ]


def test_explanations_are_for_unsolved_items(items, personas):
    alice = scope_of(personas["alice"])
    explained = services.explain(
        items["A"], acting=alice, text="需列入预算", today=date(2025, 1, 5)
    )
    assert (explained.explanation, explained.explained_on) == ("需列入预算", date(2025, 1, 5))
    with pytest.raises(ValidationError):
        services.explain(put_in(items["A1"], Status.DONE), acting=alice, text="不必")


def test_a_verified_item_is_closed_to_edits(items, personas):
    item = put_in(items["A"], Status.VERIFIED)
    with pytest.raises(ValidationError):
        services.update_item(item, acting=scope_of(personas["alice"]), measures="改了")


def test_the_responsible_person_belongs_to_the_unit(items, personas):
    from vanguard.orgs.models import Member

    outsider = Member.objects.get(code="B-001")
    with pytest.raises(ValidationError) as refused:
        services.update_item(items["A"], acting=scope_of(personas["alice"]), responsible=outsider)
    assert "responsible" in refused.value.message_dict
