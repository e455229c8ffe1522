"""Excel import, export and the blank template for organisations and members (R1).

The work is done in `vanguard.orgs.excel`; these views check access, parse the upload and
render. Import and the template are for users who manage some organisation; export is for
every staff reader and exports exactly what the member list shows.
"""

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from vanguard.core.exports import xlsx_response
from vanguard.orgs import excel
from vanguard.orgs.views.members import filtered_members
from vanguard.reports import jobs
from vanguard.uploads import validate_workbook_file


class ImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Workbook"), validators=[validate_workbook_file])

    def clean_file(self):
        file = self.cleaned_data["file"]
        if file.size > excel.MAX_FILE_MB * 1024 * 1024:
            raise forms.ValidationError(
                _("The file is larger than %(size)s MB; split it into several workbooks.")
                % {"size": excel.MAX_FILE_MB}
            )
        return file


def _require_manager(request):
    """Import is for users who manage some organisation (and superusers)."""
    if not (request.scope.manage_paths or request.scope.is_superuser):
        raise Http404


@login_required
def import_workbook(request):
    """Checks the form here; the worker reads and imports the workbook (`build_import`)."""
    _require_manager(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        title = _("Import of %(file)s") % {"file": upload.name}
        return jobs.start_response(
            request, "orgs.import_xlsx", title, upload=upload, back=reverse("orgs:import")
        )
    context = {"form": form, "problems": [], "max_mb": excel.MAX_FILE_MB}
    return render(request, "orgs/import.html", context, status=400 if form.errors else 200)


@jobs.importer("orgs.import_xlsx")
def build_import(ctx) -> dict:
    """All or nothing: every problem is reported with its sheet, row and column."""
    _require_manager(ctx)
    with ctx.open_upload() as file:
        try:
            result = excel.import_workbook(file, ctx.scope, user=ctx.user)
        except excel.WorkbookError as error:
            raise jobs.rejected_workbook(error) from error
    if not result.total:
        message = _("Nothing was imported: the workbook has only example rows.")
    else:
        message = _("Import finished. %(summary)s") % {"summary": result.summary()}
    return {"message": message, "next_url": reverse("orgs:tree")}


@login_required
def download_template(request):
    _require_manager(request)
    return xlsx_response(excel.write_template, excel.TEMPLATE_FILENAME)


@login_required
@require_POST
def export_workbook(request):
    if not request.scope.is_staff_reader:
        raise Http404
    title = excel.EXPORT_FILENAME.format(date=timezone.localdate())
    return jobs.start_response(request, "orgs.export_xlsx", title)


@jobs.export("orgs.export_xlsx")
def build_export(ctx) -> jobs.Output:
    """Made by the background worker: what the member list shows, with the user's scope."""
    if not ctx.scope.is_staff_reader:
        raise Http404
    orgs = ctx.scope.orgs()
    members = filtered_members(ctx)
    filename = excel.EXPORT_FILENAME.format(date=timezone.localdate())
    return jobs.xlsx_output(lambda file: excel.write_export(file, orgs, members), filename)
