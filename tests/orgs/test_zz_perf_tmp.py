import io, time
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from tests.orgs.test_excel import xlsx, member_row, org_row, valid_orgs, snapshot
from vanguard.accounts.access import Scope
from vanguard.orgs.excel import import_workbook


def test_perf(personas, login):
    scope = Scope.for_user(personas["office"])
    orgs = [org_row(f"P{i}", "A") for i in range(40)]
    members = [member_row(f"M{i:05}", f"P{i % 40}") for i in range(12000)]
    t = time.time(); f = xlsx(orgs, members); print("build", time.time() - t)
    data = f.getvalue()
    t = time.time()
    with CaptureQueriesContext(connection) as q:
        r = import_workbook(io.BytesIO(data), scope)
    print("import", time.time() - t, len(q), r)
    t = time.time()
    with CaptureQueriesContext(connection) as q:
        r = import_workbook(io.BytesIO(data), scope)
    print("reimport", time.time() - t, len(q), r)
    client = login(personas["office"])
    t = time.time()
    with CaptureQueriesContext(connection) as q:
        resp = client.get(reverse("org-export"))
        content = b"".join(resp.streaming_content)
    print("export", time.time() - t, len(q), len(content))
    for x in q.captured_queries: print(x["sql"][:150])
    t = time.time()
    with CaptureQueriesContext(connection) as q:
        r = import_workbook(io.BytesIO(content), scope)
    print("roundtrip", time.time() - t, len(q), r)
