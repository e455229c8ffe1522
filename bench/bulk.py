"""Bulk operations, timed in-process (median of a few runs, each rolled back so the data
stays as generated)."""

from __future__ import annotations

import io
import statistics
import time
from collections.abc import Callable

from django.db import transaction

RUNS = 3


class Rollback(Exception):
    pass


def timed(operation: Callable[[], object], runs: int = RUNS) -> float:
    timings = []
    for _ in range(runs):
        try:
            with transaction.atomic():
                started = time.perf_counter()
                operation()
                timings.append(time.perf_counter() - started)
                raise Rollback
        except Rollback:
            pass
    return round(statistics.median(timings), 2)


def import_members_workbook(count: int = 12_000) -> io.BytesIO:
    """A workbook of one new organisation and `count` new members, in the import format."""
    from openpyxl import Workbook

    from vanguard.orgs import excel
    from vanguard.orgs.models import Organization

    root = Organization.objects.filter(depth=1).order_by("path").first()
    workbook = Workbook()
    orgs = workbook.active
    orgs.title = excel.ORG_SHEET
    orgs.append(list(excel.ORG_HEADERS))
    orgs.append(["BENCH-IMPORT", "导入测试党支部", root.code, "党支部", "学校"])
    members = workbook.create_sheet(excel.MEMBER_SHEET)
    members.append(list(excel.MEMBER_HEADERS))
    for index in range(count):
        members.append(
            [
                f"BI-{index:06d}",
                f"党员{index}",
                "男" if index % 2 else "女",
                "1980-01-01",
                "BENCH-IMPORT",
                "2005-07-01",
                "正式党员",
                "否",
                "教师",
                "13800000000",
            ]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return buffer


def measure(fixture: dict) -> dict[str, float | str]:
    from vanguard.accounts.access import Scope
    from vanguard.accounts.models import User
    from vanguard.orgs import excel

    results: dict[str, float | str] = {}
    admin, _created = User.objects.get_or_create(
        username="bench-superuser", defaults={"is_superuser": True, "is_staff": True}
    )
    scope = Scope.for_user(admin)
    workbook = import_members_workbook()

    def import_members():
        workbook.seek(0)
        excel.import_workbook(workbook, scope, user=admin)

    results["import 12,000 members from Excel"] = timed(import_members)
    from bench import modules

    results.update(modules.measure(fixture))
    return results
