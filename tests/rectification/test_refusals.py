"""Every state-changing rectification service checks its actor without a view in between:
charlie (admin of unrelated B) and the read-only roles are refused on unit A's items,
deeds, mechanisms, 三培养 pipeline and pairings."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from vanguard.rectification import services
from vanguard.rectification.models import Level, PublicComment, Rhythm

from .conftest import scope_of

DAY = date(2024, 10, 20)


def actions(item, tree, bob_member):
    comment = PublicComment.objects.create(item=item, text="好")
    campaign = item.campaign

    def deed():
        return services.record_deed(
            campaign, organization=tree["A"], title="t", done_on=DAY, acting=None
        )

    def mechanism():
        return services.institute_mechanism(
            item.enrollment,
            kind="current_affairs_reports",
            rhythm=Rhythm.QUARTERLY,
            started_on=DAY,
            acting=None,
        )

    def person():
        return services.add_cultivation(tree["A"], name="王", activist_on=DAY, acting=None)

    return {
        "create_item": lambda scope: services.create_item(
            campaign,
            level=Level.ORGANIZATION,
            organization=tree["A"],
            problem="p",
            acting=scope,
        ),
        "create_member_item": lambda scope: services.create_item(
            campaign, level=Level.MEMBER, member=bob_member, problem="p", acting=scope
        ),
        "create_item_from_source": lambda scope: services.create_item_from_source(
            comment, campaign=campaign, acting=scope
        ),
        "update_item": lambda scope: services.update_item(item, acting=scope, measures="m"),
        "delete_item": lambda scope: services.delete_item(item, acting=scope),
        "apply_action": lambda scope: services.apply_action(item, "start", acting=scope),
        "add_note": lambda scope: services.add_note(item, acting=scope, progress=10, text="t"),
        "add_item_evidence": lambda scope: services.add_evidence(
            item=item, title="t", file=SimpleUploadedFile("a.txt", b"a"), acting=scope
        ),
        "publish": lambda scope: services.publish(item, acting=scope),
        "publish_list": lambda scope: services.publish_list(
            type(item).objects.filter(pk=item.pk), acting=scope
        ),
        "explain": lambda scope: services.explain(
            item, acting=scope, text="t", today=date(2024, 12, 1)
        ),
        "moderate": lambda scope: services.moderate(comment, acting=scope, approve=True),
        "record_deed": lambda scope: services.record_deed(
            campaign, organization=tree["A"], title="t", done_on=DAY, acting=scope
        ),
        "add_deed_evidence": lambda scope: services.add_evidence(
            deed=deed(), title="t", file=SimpleUploadedFile("a.txt", b"a"), acting=scope
        ),
        "institute_mechanism": lambda scope: services.institute_mechanism(
            item.enrollment,
            kind="heart_to_heart_talks",
            rhythm=Rhythm.TERMLY,
            started_on=DAY,
            acting=scope,
        ),
        "record_occurrence": lambda scope: services.record_occurrence(
            mechanism(), held_on=DAY, topic="t", acting=scope
        ),
        "add_cultivation": lambda scope: services.add_cultivation(
            tree["A"], name="王", activist_on=DAY, acting=scope
        ),
        "advance_cultivation": lambda scope: services.advance_cultivation(
            person(), probationary_on=DAY, acting=scope
        ),
        "add_pairing": lambda scope: services.add_pairing(
            bob_member,
            partner_kind="young_teacher",
            partner_name="老师",
            started_on=DAY,
            acting=scope,
        ),
    }


NAMES = [
    "create_item",
    "create_member_item",
    "create_item_from_source",
    "update_item",
    "delete_item",
    "apply_action",
    "add_note",
    "add_item_evidence",
    "publish",
    "publish_list",
    "explain",
    "moderate",
    "record_deed",
    "add_deed_evidence",
    "institute_mechanism",
    "record_occurrence",
    "add_cultivation",
    "advance_cultivation",
    "add_pairing",
]


@pytest.mark.parametrize("action", NAMES)
@pytest.mark.parametrize("persona", ["charlie", "leader", "liaison"])
def test_outsiders_and_readers_are_refused(items, tree, bob_member, personas, action, persona):
    with pytest.raises(PermissionDenied):
        actions(items["A"], tree, bob_member)[action](scope_of(personas[persona]))


@pytest.mark.parametrize(
    "action", ["create_item", "create_member_item", "record_deed", "add_cultivation"]
)
def test_the_units_admin_acts(items, tree, bob_member, personas, action):
    actions(items["A"], tree, bob_member)[action](scope_of(personas["alice"]))  # no refusal
