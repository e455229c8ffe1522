"""Admin of 分析评议. Ballots and the voter roll are deliberately not registered: nobody
browses them one by one, and the admin's change log would time-stamp what it touched."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from vanguard.appraisal.models import (
    AppraisalConclusion,
    AppraisalRound,
    Opinion,
    OrgLifeMeeting,
    SelfAnalysis,
    Talk,
)


@admin.register(Opinion)
class OpinionAdmin(SimpleHistoryAdmin):
    list_display = ["received_on", "channel", "subject", "responsible_unit", "status", "due_on"]
    list_filter = ["status", "channel", "subject"]
    raw_id_fields = ["member", "unit", "responsible_unit"]
    exclude = ["receipt_digest"]


@admin.register(Talk)
class TalkAdmin(SimpleHistoryAdmin):
    list_display = ["talked_on", "initiator", "partner", "topic"]
    raw_id_fields = ["initiator", "partner"]


@admin.register(SelfAnalysis)
class SelfAnalysisAdmin(SimpleHistoryAdmin):
    list_display = ["member", "campaign", "status", "submitted_on", "reviewed_on"]
    list_filter = ["status"]
    raw_id_fields = ["member"]


@admin.register(OrgLifeMeeting)
class OrgLifeMeetingAdmin(SimpleHistoryAdmin):
    list_display = ["held_on", "organization", "campaign"]
    raw_id_fields = ["organization", "attendees"]


@admin.register(AppraisalRound)
class AppraisalRoundAdmin(SimpleHistoryAdmin):
    list_display = ["title", "organization", "opens_at", "closes_at", "sealed", "published_on"]
    # The tellers' key and the count change only through the services (appoint, count).
    readonly_fields = ["sealed", "public_key", "threshold", "counted_at"]


@admin.register(AppraisalConclusion)
class AppraisalConclusionAdmin(SimpleHistoryAdmin):
    list_display = ["member", "round", "grade", "concluded_on"]
    raw_id_fields = ["member"]
