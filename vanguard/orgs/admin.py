from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin
from treebeard.admin import TreeAdmin
from treebeard.forms import movenodeform_factory

from vanguard.orgs.models import Member, Organization


@admin.register(Organization)
class OrganizationAdmin(TreeAdmin, SimpleHistoryAdmin):
    form = movenodeform_factory(Organization)
    list_display = ["name", "code", "kind", "category"]
    search_fields = ["name", "code"]

    def get_deleted_objects(self, objs, request):
        """Deleting a node deletes its subtree (treebeard follows paths, not foreign keys):
        the confirmation page lists, and refuses on, what depends on any node of it."""
        subtree = Organization.objects.none()
        for org in objs:
            subtree |= Organization.objects.within(org)
        return super().get_deleted_objects(list(subtree.distinct()), request)


@admin.register(Member)
class MemberAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "organization", "status", "is_leader_cadre", "position"]
    list_filter = ["status", "is_leader_cadre", "organization__category"]
    search_fields = ["code", "name", "phone"]
    raw_id_fields = ["organization", "user"]
    list_select_related = ["organization"]
