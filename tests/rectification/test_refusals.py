"""Every state-changing rectification service checks its actor without a view in between:
charlie (admin of unrelated B) and the read-only roles are refused on unit A's item."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied

from vanguard.rectification import services
from vanguard.rectification.models import PublicComment

from .conftest import scope_of


def actions(item):
    comment = PublicComment.objects.create(item=item, text="好")
    return {
        "update_item": lambda scope: services.update_item(item, scope=scope, measures="m"),
        "delete_item": lambda scope: services.delete_item(item, scope=scope),
        "apply_action": lambda scope: services.apply_action(item, "start", scope=scope),
        "add_note": lambda scope: services.add_note(item, scope=scope, progress=10, text="t"),
        "publish": lambda scope: services.publish(item, scope=scope),
        "explain": lambda scope: services.explain(
            item, scope=scope, text="t", today=date(2024, 12, 1)
        ),
        "moderate": lambda scope: services.moderate(comment, scope=scope, approve=True),
    }


@pytest.mark.parametrize(
    "action",
    ["update_item", "delete_item", "apply_action", "add_note", "publish", "explain", "moderate"],
)
@pytest.mark.parametrize("persona", ["charlie", "leader", "liaison"])
def test_outsiders_and_readers_are_refused(items, personas, action, persona):
    with pytest.raises(PermissionDenied):
        actions(items["A"])[action](scope_of(personas[persona]))
