"""Django admin of leadership and supervision.

Non-qualifying member cases follow the same rule in the admin as everywhere else
(`DispositionCase.objects.visible_to(scope)`), superusers included: a system
administrator sees a case only with an entitling grant (office, or the member's unit
administrator). The history views of django-simple-history are not offered for cases,
since they read past versions without asking the queryset.
"""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from vanguard.accounts.access import Scope
from vanguard.oversight.models import (
    Article,
    Commendation,
    DispositionCase,
    DispositionTalk,
    GroupMembership,
    LeadingGroup,
    LiaisonAssignment,
    LiaisonPoint,
    Suggestion,
    SupervisionVisit,
)


def _scope(request):
    return getattr(request, "scope", None) or Scope.for_user(request.user)


class GroupMembershipInline(admin.TabularInline):
    model = GroupMembership
    extra = 0
    raw_id_fields = ["member"]


@admin.register(LeadingGroup)
class LeadingGroupAdmin(SimpleHistoryAdmin):
    list_display = ["organization", "name", "campaign", "established_on"]
    list_filter = ["campaign"]
    raw_id_fields = ["organization"]
    inlines = [GroupMembershipInline]


@admin.register(LiaisonPoint)
class LiaisonPointAdmin(SimpleHistoryAdmin):
    list_display = ["leader", "kind", "organization", "campaign"]
    list_filter = ["campaign", "kind"]
    raw_id_fields = ["leader", "organization"]


@admin.register(LiaisonAssignment)
class LiaisonAssignmentAdmin(SimpleHistoryAdmin):
    list_display = ["officer", "organization", "batch", "dispatched_on", "withdrawn_on"]
    list_filter = ["batch"]
    raw_id_fields = ["officer", "organization", "grant", "dispatched_by"]


class SuggestionInline(admin.StackedInline):
    model = Suggestion
    extra = 0
    exclude = ["item_type", "item_id"]
    raw_id_fields = ["answered_by", "accepted_by"]


@admin.register(SupervisionVisit)
class SupervisionVisitAdmin(SimpleHistoryAdmin):
    list_display = ["organization", "visited_on", "assignment"]
    raw_id_fields = ["assignment", "organization", "recorded_by"]
    inlines = [SuggestionInline]


@admin.register(Article)
class ArticleAdmin(SimpleHistoryAdmin):
    list_display = ["title", "organization", "kind", "status", "published_on"]
    list_filter = ["status", "kind"]
    search_fields = ["title"]
    raw_id_fields = ["organization", "member", "author", "reviewed_by"]


@admin.register(Commendation)
class CommendationAdmin(SimpleHistoryAdmin):
    list_display = ["kind", "member", "organization", "nominated_by_unit", "status"]
    list_filter = ["campaign", "kind", "status"]
    raw_id_fields = [
        "member",
        "organization",
        "nominated_by_unit",
        "nominated_by",
        "reviewed_by",
    ]


class DispositionTalkInline(admin.TabularInline):
    model = DispositionTalk
    extra = 0

    def get_queryset(self, request):
        visible = DispositionCase.objects.visible_to(_scope(request))
        return super().get_queryset(request).filter(case__in=visible)


@admin.register(DispositionCase)
class DispositionCaseAdmin(admin.ModelAdmin):
    list_display = ["member", "opened_on", "improve_by", "outcome", "outcome_on"]
    list_filter = ["outcome"]
    search_fields = ["member__name", "member__code", "reason"]
    raw_id_fields = ["member", "opened_by"]
    inlines = [DispositionTalkInline]

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(_scope(request))

    def has_add_permission(self, request):
        # Cases are opened in the application, where the services check the member.
        return False
