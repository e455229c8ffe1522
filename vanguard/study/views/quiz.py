"""党章知识竞赛: quizzes of a campaign, the question bank import, a member's timed attempt,
and the results ranked per unit.

Staff read a quiz run by an organisation in or above their scope (a campaign-wide quiz is
every unit's); its managers create it and import its questions. Members take the quizzes
of their organisation and those above it.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vanguard.core.exports import xlsx_response
from vanguard.orgs.excel import WorkbookError
from vanguard.orgs.models import paths_overlap
from vanguard.reports import jobs
from vanguard.study import quiz as quizzes
from vanguard.study.forms import QuestionImportForm, QuizForm
from vanguard.study.models import Quiz, QuizAttempt


def _reads(scope, org) -> bool:
    """Staff read a quiz run in their scope or above it (it covers their units)."""
    return any(paths_overlap(path, org.path) for path in scope.read_paths)


def _visible(scope, quiz: Quiz) -> bool:
    member = scope.member
    in_it = member is not None and quizzes.takes_part(quiz, member)
    return in_it or _reads(scope, quiz.organization)


def _quiz_or_404(request, pk, *, manage=False) -> Quiz:
    quiz = Quiz.objects.select_related("campaign", "organization").filter(pk=pk).first()
    if quiz is None or not _visible(request.scope, quiz):
        raise Http404
    request.scope.module_or_404(quiz.campaign, "quizzes")
    if manage and not request.scope.can_manage_org(quiz.organization):
        raise PermissionDenied
    return quiz


@login_required
def quiz_list(request, campaign_pk):
    campaign = request.scope.get_campaign_or_404(campaign_pk, members=True, module="quizzes")
    scope = request.scope
    candidates = Quiz.objects.filter(campaign=campaign).select_related("organization")
    rows = [q for q in candidates if _visible(scope, q)]
    organizations = scope.managed_orgs().within(campaign.organization)
    can_create = organizations.exists()
    form = QuizForm(request.POST or None, campaign=campaign, organizations=organizations)
    if request.method == "POST":
        if not can_create:
            raise PermissionDenied
        if form.is_valid():
            form.instance.created_by = request.user
            quiz = form.save()
            messages.success(request, _("Quiz created; now import its questions."))
            return redirect("study:quiz", pk=quiz.pk)
        messages.error(request, _("The quiz was not created; see the form."))
    context = {
        "campaign": campaign,
        "quizzes": rows,
        "form": form if can_create else None,
        "now": timezone.now(),
    }
    return render(request, "study/quiz_list.html", context, status=400 if form.errors else 200)


@login_required
def quiz_detail(request, pk):
    quiz = _quiz_or_404(request, pk)
    quizzes.close_expired(quiz)
    member = request.scope.member
    is_staff = _reads(request.scope, quiz.organization)
    context = {
        "quiz": quiz,
        "campaign": quiz.campaign,
        "can_manage": request.scope.can_manage_org(quiz.organization),
        "bank_fixed": quiz.attempts.exists(),
        "is_staff": is_staff,
        "questions": quiz.questions.all() if is_staff else None,
        "ranking": quizzes.unit_ranking(quiz) if is_staff else None,
        "top": quizzes.top_members(quiz) if is_staff else None,
        "my_attempts": (
            quiz.attempts.filter(member=member).order_by("number")
            if member and quizzes.takes_part(quiz, member)
            else None
        ),
        "takes_part": member is not None and quizzes.takes_part(quiz, member),
        "now": timezone.now(),
        "import_form": QuestionImportForm(max_mb=quizzes.MAX_FILE_MB),
    }
    return render(request, "study/quiz_detail.html", context)


@login_required
def quiz_import(request, pk):
    quiz = _quiz_or_404(request, pk, manage=True)
    form = QuestionImportForm(
        request.POST or None, request.FILES or None, max_mb=quizzes.MAX_FILE_MB
    )
    if request.method == "POST" and form.is_valid():  # the worker imports (`build_quiz_import`)
        upload = form.cleaned_data["file"]
        title = _("Import of %(file)s") % {"file": upload.name}
        back = reverse("study:quiz-import", args=[quiz.pk])
        return jobs.start_response(
            request, "study.quiz_import", title, {"pk": quiz.pk}, upload=upload, back=back
        )
    context = {"quiz": quiz, "campaign": quiz.campaign, "form": form, "problems": []}
    status = 400 if form.errors else 200
    return render(request, "study/quiz_import.html", context, status=status)


@jobs.importer("study.quiz_import")
def build_quiz_import(ctx, pk) -> dict:
    """All or nothing: a question bank with any problem is rejected, every problem listed."""
    quiz = _quiz_or_404(ctx, pk, manage=True)
    with ctx.open_upload() as file:
        try:
            count = quizzes.import_questions(quiz, file)
        except WorkbookError as error:
            raise jobs.rejected_workbook(error) from error
    message = _("%(count)s questions imported.") % {"count": count}
    return {"message": message, "next_url": reverse("study:quiz", args=[quiz.pk])}


@login_required
def quiz_template(request):
    if not request.scope.manage_paths:
        raise Http404
    return xlsx_response(quizzes.write_template, quizzes.TEMPLATE_FILENAME)


@login_required
@require_POST
def quiz_start(request, pk):
    quiz = _quiz_or_404(request, pk)
    member = request.scope.member
    if member is None:
        raise PermissionDenied
    try:
        attempt = quizzes.start_attempt(quiz, member)
    except quizzes.QuizRefused as error:
        messages.error(request, str(error))
        return redirect("study:quiz", pk=quiz.pk)
    return redirect("study:attempt", pk=attempt.pk)


def _own_attempt_or_404(request, pk) -> QuizAttempt:
    member = request.scope.member
    attempt = (
        QuizAttempt.objects.select_related("quiz__campaign", "quiz__organization")
        .filter(pk=pk)
        .first()
    )
    if member is None or attempt is None or attempt.member_id != member.pk:
        raise Http404
    request.scope.module_or_404(attempt.quiz.campaign, "quizzes")
    return attempt


@login_required
def attempt(request, pk):
    attempt = _own_attempt_or_404(request, pk)
    quiz = attempt.quiz
    if request.method == "POST" and attempt.submitted_at is None:
        answers = {
            key.removeprefix("q-"): "".join(request.POST.getlist(key))
            for key in request.POST
            if key.startswith("q-")
        }
        try:
            quizzes.submit_attempt(attempt, answers)
        except quizzes.QuizRefused as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                _("Submitted: %(score)s of %(max)s points.")
                % {"score": attempt.score, "max": attempt.max_score},
            )
        return redirect("study:attempt", pk=attempt.pk)
    if attempt.submitted_at is None and timezone.now() > attempt.deadline + quizzes.SUBMIT_GRACE:
        quizzes.close_expired(quiz)
        attempt.refresh_from_db()
    questions = list(quiz.questions.all())
    for question in questions:
        question.given = attempt.answers.get(str(question.pk), "")
    context = {
        "attempt": attempt,
        "quiz": quiz,
        "campaign": quiz.campaign,
        "questions": questions,
        "seconds_left": max(int((attempt.deadline - timezone.now()).total_seconds()), 0),
    }
    return render(request, "study/attempt.html", context)
