#!/usr/bin/env bash
# The test suite on SQLite and, when PostgreSQL answers, on PostgreSQL — both at once (the
# two runs share nothing: SQLite tests use an in-memory database, PostgreSQL ones
# `test_<name>`), each into its own log, printed whole when it ends. Exit non-zero if either
# run fails. Called by `make test`; extra arguments go to pytest.
set -uo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
PG_URL=${PG_URL:-postgres://postgres@127.0.0.1:5432/vanguard}
logs=$(mktemp -d)

pg_url=""
if [ -n "${DATABASE_URL:-}" ]; then
  pg_url=$DATABASE_URL
elif $BIN/python scripts/pg_answers.py; then
  pg_url=$PG_URL
fi

env -u DATABASE_URL $BIN/pytest "$@" >"$logs/sqlite.log" 2>&1 &
sqlite_pid=$!
if [ -n "$pg_url" ]; then
  DATABASE_URL=$pg_url $BIN/pytest "$@" >"$logs/pg.log" 2>&1 &
  pg_pid=$!
fi

wait $sqlite_pid; sqlite_rc=$?
echo "== tests on SQLite =="
cat "$logs/sqlite.log"
pg_rc=0
if [ -n "$pg_url" ]; then
  wait $pg_pid; pg_rc=$?
  echo "== tests on $pg_url =="
  cat "$logs/pg.log"
else
  echo "== PostgreSQL does not answer on 127.0.0.1:5432 and DATABASE_URL is unset: PostgreSQL run skipped =="
fi
rm -rf "$logs"
if [ $sqlite_rc -ne 0 ] || [ $pg_rc -ne 0 ]; then
  echo "FAILED: SQLite exit $sqlite_rc, PostgreSQL exit $pg_rc"
  exit 1
fi
