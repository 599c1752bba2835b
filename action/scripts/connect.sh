#!/usr/bin/env bash
# The plenar-ci action's connect step. Inputs arrive as environment variables, never spliced
# into the script. An empty key (pull requests from forks get no secrets) skips with a warning,
# unless PLENAR_FAIL_ON_MISSING_KEY or PLENAR_REQUIRED is true; so does a plenar the install step
# could not install (PLENAR_INSTALLED is not true; that step has warned). Otherwise plenar's own
# exit status is the step's.
set -euo pipefail

lower() { printf '%s' "$1" | tr '[:upper:]' '[:lower:]'; }

key=${PLENAR_KEY:-${PLENAR_TOKEN:-}}
# Keyless (OIDC): asked for, or offered by the runner with no key given. An explicit key wins.
oidc=false
if [ -z "$key" ] && { [ "$(lower "${PLENAR_OIDC:-false}")" = true ] || [ -n "${ACTIONS_ID_TOKEN_REQUEST_URL:-}" ]; }; then
  oidc=true
fi
if [ "$oidc" = true ] && [ -z "${ACTIONS_ID_TOKEN_REQUEST_URL:-}" ]; then
  if [ "${PLENAR_FORK_PULL_REQUEST:-false}" = true ] && [ "$(lower "${PLENAR_REQUIRED:-false}")" != true ]; then
    echo "::warning::plenar: a pull request from a fork gets no OIDC token (and no secrets): not connected; plenar steps will skip"
    printf 'connected=false\n' >>"$GITHUB_OUTPUT"
    exit 0
  fi
  echo "::error::plenar: no OIDC token for this job: add to the job (or the workflow)%0Apermissions:%0A  id-token: write%0A  contents: read"
  printf 'connected=false\n' >>"$GITHUB_OUTPUT"
  exit 2
fi
if [ -z "$key" ] && [ "$oidc" != true ]; then
  if [ "$(lower "${PLENAR_FAIL_ON_MISSING_KEY:-false}")" = true ] || [ "$(lower "${PLENAR_REQUIRED:-false}")" = true ]; then
    echo "::error::plenar: the key is empty: pass a secret as the key input (fail-on-missing-key or required is true)"
    # 2, as plenar connect exits for a missing key (the failure contract's credential status).
    exit 2
  fi
  echo "::warning::plenar: the key is empty (pull requests from forks get no secrets): not connected; plenar steps will skip"
  printf 'connected=false\n' >>"$GITHUB_OUTPUT"
  exit 0
fi

if [ "${PLENAR_INSTALLED:-}" != true ]; then
  echo "plenar is not installed (the install step says why): not connected"
  printf 'connected=false\n' >>"$GITHUB_OUTPUT"
  exit 0
fi

# Values attached (--project=…), so one that starts with - is not taken for an option.
args=(connect --key -)
if [ "$oidc" = true ]; then
  args=(connect --oidc)
  if [ -n "${PLENAR_INPUT_AUDIENCE:-}" ]; then args+=("--audience=$PLENAR_INPUT_AUDIENCE"); fi
fi
if [ -n "${PLENAR_INPUT_PROJECT:-}" ]; then args+=("--project=$PLENAR_INPUT_PROJECT"); fi
if [ -n "${PLENAR_INPUT_API_URL:-}" ]; then args+=("--api-url=$PLENAR_INPUT_API_URL"); fi
case "${PLENAR_INPUT_CLIENTS-claude}" in
  none | "") args+=(--no-mcp) ;;
  *) args+=("--client=$PLENAR_INPUT_CLIENTS") ;;
esac
# The key goes through stdin, never the process list; connect masks it before printing anything.
# With OIDC there is no key: connect masks the key it derives, and hands it on through $GITHUB_ENV.
if { if [ "$oidc" = true ]; then plenar "${args[@]}" </dev/null; else printf '%s' "$key" | plenar "${args[@]}"; fi; }; then
  printf 'connected=true\n' >>"$GITHUB_OUTPUT"
else
  status=$?
  printf 'connected=false\n' >>"$GITHUB_OUTPUT"
  exit "$status"
fi
