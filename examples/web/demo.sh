#!/bin/sh
# `make serve`'s demo ledger and users, in examples/out (made again on every run):
# - 2026-09 sealed by hr (this folder's roster.csv and events_2026-09.csv);
# - a draft of 2026-10 holding the roster and the DingTalk daily export, sent by 考勤员
#   (tests/fixtures/attendance/dingtalk_daily_2026-10.xlsx): KF005's 缺卡 day on
#   16 October is its review item, and nobody is appraised yet: each manager uploads
#   their team's appraisal (appraisal_2026-10_team1.csv, _team2.csv, or the input
#   workbook written below, filled in Excel or WPS);
# - examples/out/users.yaml: demo_logins.txt's users, their passwords hashed by
#   `appraisal users add` (which reads them from standard input).
# Run from the repository's root; APPRAISAL names the command (default .venv/bin/appraisal),
# DEMO_OUT the folder (default examples/out; tests/web/test_browser.py makes it elsewhere).
set -eu
appraisal="${APPRAISAL:-.venv/bin/appraisal}"
here=examples/web
out="${DEMO_OUT:-examples/out}"
mkdir -p "$out"
rm -f "$out/web.db" "$out/users.yaml"
"$appraisal" --quiet run --month 2026-09 --roster "$here/roster.csv" \
    --events "$here/events_2026-09.csv" --ledger "$out/web.db" --by hr >/dev/null
"$appraisal" --quiet draft add --month 2026-10 --roster "$here/roster.csv" \
    --events tests/fixtures/attendance/dingtalk_daily_2026-10.xlsx \
    --ledger "$out/web.db" --by 考勤员 >/dev/null
"$appraisal" --quiet template --month 2026-10 --roster "$here/roster.csv" \
    --out "$out/input_2026-10.xlsx" >/dev/null
grep -v '^#' "$here/demo_logins.txt" | while read -r name role password departments; do
    [ -n "$name" ] || continue
    set -- users add "$name" --role "$role" --users "$out/users.yaml"
    for department in $departments; do set -- "$@" --department "$department"; done
    printf '%s\n' "$password" | "$appraisal" --quiet "$@" >/dev/null
done
cat <<TEXT

The demo ledger $out/web.db: 2026-09 is sealed; 2026-10 is a draft holding the roster
and the DingTalk export, with KF005's 缺卡 day (客服二组) to review. Each manager uploads
their team's appraisal: $here/appraisal_2026-10_team1.csv (客服一组),
$here/appraisal_2026-10_team2.csv (客服二组), or $out/input_2026-10.xlsx once filled.
The walk through, the pages and the API: docs/web.md.

Demo logins, at http://127.0.0.1:${SERVE_PORT:-8000}/ (demo passwords, for this example only):
TEXT
grep -v '^#' "$here/demo_logins.txt" | while read -r name role password departments; do
    if [ -n "$name" ]; then
        printf '  %-9s %-19s %-8s %s\n' "$name" "$password" "$role" "$departments"
    fi
done
echo
