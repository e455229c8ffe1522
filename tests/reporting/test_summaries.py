"""阶段总结与转段验收: submit → return → resubmit → approve; the gate on the next phase when
the template requires approval; who may read and sign off; the verdict of units waiting for
sign-off; bad input kept."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.reporting.conftest import PLAN
from vanguard.accounts.access import Scope
from vanguard.campaigns import compliance
from vanguard.campaigns.phases import phase_started, phase_state
from vanguard.campaigns.template import SummaryRule
from vanguard.campaigns.verdicts import Severity
from vanguard.reporting import services
from vanguard.reporting.models import PhaseSummary, SummaryReview, SummaryStatus

ANALYSIS_STARTS = PLAN["analysis"][0]


def scope(user):
    return Scope.for_user(user)


def submit(enrollment, user, text="总结", day=date(2024, 8, 15)):
    return services.submit_summary(
        enrollment, "study", text=text, by=user, today=day, acting=scope(user)
    )


def without_approval(campaign):
    """The same campaign under a template that does not require sign-off."""
    campaign.template_data = {**campaign.template_data, "summaries": {"approval_required": False}}
    campaign.save()
    campaign.__dict__.pop("template", None)


# -- the workflow --------------------------------------------------------------------------


def test_submit_return_resubmit_approve(unit_a, personas):
    alice, liaison = personas["alice"], personas["liaison"]
    summary = submit(unit_a, alice, text="初稿")
    assert summary.status == SummaryStatus.SUBMITTED

    services.return_summary(summary, by=liaison, comment="请补充参学率", acting=scope(liaison))
    summary.refresh_from_db()
    assert summary.status == SummaryStatus.RETURNED

    summary = submit(unit_a, alice, text="修改稿", day=date(2024, 8, 18))
    assert (summary.status, summary.text) == (SummaryStatus.SUBMITTED, "修改稿")
    assert PhaseSummary.objects.filter(enrollment=unit_a).count() == 1

    services.approve_summary(summary, by=personas["office"], acting=scope(personas["office"]))
    summary.refresh_from_db()
    assert summary.status == SummaryStatus.APPROVED and summary.approved_on
    history = list(summary.reviews.values_list("decision", "comment"))
    assert history == [
        (SummaryReview.Decision.RETURNED, "请补充参学率"),
        (SummaryReview.Decision.APPROVED, ""),
    ]


def test_the_figures_are_taken_from_the_system_at_submission(unit_a, personas):
    summary = submit(unit_a, personas["alice"])
    codes = {line["code"] for line in summary.figures}
    assert {"plan.started", "appraisal.talks"} <= codes  # the unit's stored verdicts
    assert not any(code.startswith("reporting.") for code in codes)


def test_an_approved_summary_cannot_be_resubmitted_or_returned(unit_a, personas):
    summary = submit(unit_a, personas["alice"])
    services.approve_summary(summary, by=None, acting=None)
    with pytest.raises(ValidationError, match=r"无法|Cannot"):
        submit(unit_a, personas["alice"])
    with pytest.raises(ValidationError, match=r"无法|Cannot"):
        services.return_summary(summary, by=None, comment="x", acting=None)


def test_a_return_needs_a_comment(unit_a, personas):
    summary = submit(unit_a, personas["alice"])
    with pytest.raises(ValidationError):
        services.return_summary(summary, by=None, comment="  ", acting=None)
    summary.refresh_from_db()
    assert summary.status == SummaryStatus.SUBMITTED


# -- the gate: the next phase counts as started only after approval -----------------------


def test_the_next_phase_waits_for_approval_when_the_template_requires_it(unit_a, personas):
    assert unit_a.campaign.rules.summaries == SummaryRule(
        approval_required=True, notice_ref="六.3（加强督促检查工作）"
    )
    day = ANALYSIS_STARTS
    assert not phase_started(unit_a, "analysis", day)
    assert phase_state(unit_a, day).current == "study"
    assert phase_state(unit_a, day).held == "analysis"

    summary = submit(unit_a, personas["alice"])
    assert not phase_started(unit_a, "analysis", day)  # submitted is not approved

    services.approve_summary(summary, by=None, acting=None)
    assert phase_started(unit_a, "analysis", day)
    assert phase_state(unit_a, day).current == "analysis"
    # the window still decides: the day before it, the phase has not started
    assert not phase_started(unit_a, "analysis", date(2024, 8, 14))
    # the third phase waits for the second phase's summary
    assert not phase_started(unit_a, "rectification", PLAN["rectification"][0])


def test_without_the_requirement_the_window_alone_decides(unit_a):
    without_approval(unit_a.campaign)
    unit_a.refresh_from_db()
    assert phase_started(unit_a, "analysis", ANALYSIS_STARTS)
    assert phase_started(unit_a, "rectification", PLAN["rectification"][0])


def test_without_the_module_there_is_no_gate(unit_a):
    campaign = unit_a.campaign
    enabled = [m for m in campaign.rules.enabled_modules if m != "summaries"]
    campaign.template_data = {**campaign.template_data, "modules": {"enabled": enabled}}
    campaign.save()
    unit_a.refresh_from_db()
    assert phase_started(unit_a, "analysis", ANALYSIS_STARTS)


# -- the verdict ---------------------------------------------------------------------------


def signoff(enrollment, today):
    report = compliance.evaluate_unit(enrollment, today=today)
    return next(v for v in report.verdicts if v.code == "reporting.signoff")


def test_units_waiting_for_sign_off_fail_the_verdict(unit_a, personas):
    assert signoff(unit_a, date(2024, 8, 14)).level == Severity.OK  # the phase runs
    waiting = signoff(unit_a, ANALYSIS_STARTS)
    assert waiting.level == Severity.FAILING
    finding = waiting.findings[0]
    assert "summaries.approval_required = true" in finding.threshold
    assert waiting.notice_ref == "六.3（加强督促检查工作）"

    summary = submit(unit_a, personas["alice"])
    services.approve_summary(summary, by=None, acting=None)
    assert signoff(unit_a, ANALYSIS_STARTS).level == Severity.OK


def test_without_the_requirement_a_missing_summary_is_a_warning(unit_a):
    without_approval(unit_a.campaign)
    unit_a.refresh_from_db()
    assert signoff(unit_a, ANALYSIS_STARTS).level == Severity.WARNING


# -- access --------------------------------------------------------------------------------


@pytest.fixture
def summary(unit_a, personas):
    return submit(unit_a, personas["alice"])


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("office", 200),
        ("leader", 200),
        ("liaison", 200),
        ("alice", 200),
        ("bob", 404),  # a member of the unit: working papers are not theirs
        ("charlie", 404),  # another unit's admin
        ("liaison_b", 404),  # the liaison officer of another batch
    ],
)
def test_who_reads_a_summary(client, personas, liaison_b, summary, who, status):
    user = liaison_b if who == "liaison_b" else personas[who]
    client.force_login(user)
    assert client.get(reverse("reporting:summary", args=[summary.pk])).status_code == status
    unit_page = reverse(
        "reporting:unit-summaries", args=[summary.enrollment.campaign_id, summary.enrollment_id]
    )
    assert client.get(unit_page).status_code == status


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("office", 302),
        ("liaison", 302),
        ("leader", 403),
        ("alice", 403),
        ("bob", 404),
        ("charlie", 404),
        ("liaison_b", 404),
    ],
)
def test_who_signs_off(client, personas, liaison_b, summary, who, status):
    user = liaison_b if who == "liaison_b" else personas[who]
    client.force_login(user)
    url = reverse("reporting:summary-review", args=[summary.pk, "approve"])
    assert client.post(url).status_code == status
    summary.refresh_from_db()
    assert (summary.status == SummaryStatus.APPROVED) == (status == 302)


def test_submitting_through_the_page_with_an_evidence_file(client, personas, unit_a):
    client.force_login(personas["alice"])
    url = reverse("reporting:summary-submit", args=[unit_a.campaign_id, unit_a.pk, "study"])
    response = client.post(
        url,
        {
            "study-text": "本阶段总结",
            "study-evidence_title": "动员大会材料",
            "study-evidence": SimpleUploadedFile("a.txt", "动员大会".encode(), "text/plain"),
        },
    )
    summary = PhaseSummary.objects.get(enrollment=unit_a, phase_code="study")
    assert response.status_code == 302
    evidence = summary.evidence.get()
    assert evidence.title == "动员大会材料"
    download = reverse("reporting:summary-evidence", args=[evidence.pk])
    assert client.get(download).status_code == 200
    client.force_login(personas["charlie"])
    assert client.get(download).status_code == 404


def test_bad_input_is_refused_in_chinese_and_kept(client, personas, unit_a, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    client.force_login(personas["alice"])
    url = reverse("reporting:summary-submit", args=[unit_a.campaign_id, unit_a.pk, "study"])
    response = client.post(
        url,
        {
            "study-text": "我写的总结",
            "study-evidence": SimpleUploadedFile(
                "a.exe", b"MZ\x90\x00", "application/octet-stream"
            ),
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "我写的总结" in page
    assert "不接受" in page or "文件" in page
    assert not PhaseSummary.objects.exists()


def test_the_printable_summary_is_a_background_job(client, personas, summary):
    from tests.reports.helpers import export

    client.force_login(personas["liaison"])
    response = export(client, reverse("reporting:summary-pdf", args=[summary.pk]))
    assert response["Content-Type"] == "application/pdf"


def test_the_unit_admins_are_told_of_a_return_and_an_approval(unit_a, personas):
    from django.utils import timezone

    from vanguard.reporting import notifications

    today = timezone.localdate()
    summary = submit(unit_a, personas["alice"])
    services.return_summary(summary, by=None, comment="请补充", acting=None)
    due = list(notifications.summary_returned(unit_a.campaign, today, ()))
    assert [d.user_id for d in due] == [personas["alice"].pk]
    assert due[0].body == "请补充"
    summary = submit(unit_a, personas["alice"])
    services.approve_summary(summary, by=None, acting=None)
    assert [d.user_id for d in notifications.summary_approved(unit_a.campaign, today, ())] == [
        personas["alice"].pk
    ]
