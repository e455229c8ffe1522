"""Excel import, export and the blank template for organisations and members (R1).

The work is done in `vanguard.orgs.excel`; these views check access, parse the upload and
render. Import and the template are for users who manage some organisation; export is for
every staff reader and exports exactly what the member list shows.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vanguard.orgs import excel
from vanguard.orgs.views import filtered_members
from vanguard.reports.exports import xlsx_response
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
    _require_manager(request)
    problems = []
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            result = excel.import_workbook(
                form.cleaned_data["file"], request.scope, user=request.user
            )
        except excel.WorkbookError as error:
            problems = error.problems
        else:
            if result.total:
                summary = {"summary": result.summary()}
                messages.success(request, _("Import finished. %(summary)s") % summary)
            else:
                messages.warning(
                    request, _("Nothing was imported: the workbook has only example rows.")
                )
            return redirect("org-tree")
    context = {"form": form, "problems": problems, "max_mb": excel.MAX_FILE_MB}
    return render(request, "orgs/import.html", context)


@login_required
def download_template(request):
    _require_manager(request)
    return xlsx_response(excel.write_template, excel.TEMPLATE_FILENAME)


@login_required
def export_workbook(request):
    if not request.scope.is_staff_reader:
        raise Http404
    orgs = request.scope.orgs()
    members = filtered_members(request)
    filename = excel.EXPORT_FILENAME.format(date=timezone.localdate())
    return xlsx_response(lambda file: excel.write_export(file, orgs, members), filename)
