"""Temporary: replaced by the Excel import/export views being written now."""

from django.http import Http404


def import_workbook(request):
    raise Http404


def download_template(request):
    raise Http404


def export_workbook(request):
    raise Http404
