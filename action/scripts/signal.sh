#!/usr/bin/env bash
# The plenar-ci signal action's step: plenar signal with the inputs, which arrive as environment
# variables. Telemetry never breaks the job: without plenar on PATH it warns and goes on.
set -uo pipefail

if ! command -v plenar >/dev/null 2>&1; then
  echo "::warning::plenar is not installed: signal not sent; see the plenar-ci action's install step"
  printf 'sent=false\n' >>"$GITHUB_OUTPUT"
  exit 0
fi
# Values attached (--message=…), so one that starts with - is not taken for an option.
args=(signal --json)
if [ -n "${PLENAR_INPUT_STATUS:-}" ]; then args+=("--status=$PLENAR_INPUT_STATUS"); fi
if [ -n "${PLENAR_INPUT_MESSAGE:-}" ]; then args+=("--message=$PLENAR_INPUT_MESSAGE"); fi
if [ -n "${PLENAR_INPUT_PROJECT:-}" ]; then args+=("--project=$PLENAR_INPUT_PROJECT"); fi
# One key=value a line; blank lines (and a trailing newline) are skipped, CR of CRLF dropped.
while IFS= read -r attribute || [ -n "$attribute" ]; do
  attribute=${attribute%$'\r'}
  if [ -n "${attribute//[[:space:]]/}" ]; then args+=("--attr=$attribute"); fi
done <<<"${PLENAR_INPUT_ATTRIBUTES:-}"
args+=(-- "$PLENAR_INPUT_KIND")
result=$(plenar "${args[@]}")
status=$?
if [ -n "$result" ]; then printf 'sent=true\n' >>"$GITHUB_OUTPUT"; else printf 'sent=false\n' >>"$GITHUB_OUTPUT"; fi
exit "$status"
