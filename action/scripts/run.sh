#!/usr/bin/env bash
# The plenar-ci run action's step: the command (a bash line, from an environment variable, never
# spliced into a script) runs through plenar run, so its log is masked and the run reported; the
# step's status is the command's. Without plenar on PATH (not installed: the action warned why)
# the command still runs, with a warning that plenar's masking is not active.
set -uo pipefail

command_line=$PLENAR_INPUT_COMMAND
if [ -z "${command_line//[[:space:]]/}" ]; then
  echo "::error::plenar: the command input is empty"
  exit 1
fi
name=${PLENAR_INPUT_NAME:-}
if [ -z "$name" ]; then
  read -r name _ <<<"$command_line" || true
  # Not an assignment (VAR=value): that could be a secret.
  case "$name" in *=*) name="command" ;; esac
fi
if command -v plenar >/dev/null 2>&1; then
  # Values attached (--name=…), so one that starts with - is not taken for an option.
  args=(run "--name=${name:-command}")
  if [ -n "${PLENAR_INPUT_PROJECT:-}" ]; then args+=("--project=$PLENAR_INPUT_PROJECT"); fi
  read -r -a variables <<<"${PLENAR_INPUT_MASK_ENV//,/ }" || true
  for variable in "${variables[@]}"; do args+=("--mask-env=$variable"); done
  plenar "${args[@]}" -- bash --noprofile --norc -eo pipefail -c "$command_line"
  status=$?
else
  echo "::warning::plenar is not installed: running the command without plenar's masking (the runner still masks the workflow's secrets); see the plenar-ci action's install step"
  bash --noprofile --norc -eo pipefail -c "$command_line"
  status=$?
fi
printf 'exit-code=%s\n' "$status" >>"$GITHUB_OUTPUT"
exit "$status"
