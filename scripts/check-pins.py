"""Checks the plenar-ci pins in the workflow templates against the pinned commits themselves.

Every `uses: plenar/plenar-ci/PATH@COMMIT` step must name a commit of this repository that holds
PATH/action.yml, and every input the step passes in `with:` must be declared by that action.yml as
it is at that commit: GitHub warns about an unexpected input and drops it, so a template whose pin
predates an input would silently lose it. Run by scripts/lint with .venv-lint's Python (ruamel.yaml
comes with check-jsonschema).
"""

import glob
import re
import subprocess
import sys

from ruamel.yaml import YAML

PIN = re.compile(r"^plenar/plenar-ci/?(?P<path>[A-Za-z0-9/_.-]*)@(?P<commit>[0-9a-f]{40})$")


def action_at(path: str, commit: str):
    name = f"{path}/action.yml" if path else "action.yml"
    shown = subprocess.run(["git", "show", f"{commit}:{name}"], capture_output=True, text=True)
    if shown.returncode != 0:
        return None
    return YAML(typ="safe").load(shown.stdout)


def main() -> int:
    problems = []
    checked = 0
    for template in sorted(glob.glob("action/templates/*.yml")):
        workflow = YAML(typ="safe").load(open(template, encoding="utf-8"))
        for job_name, job in (workflow.get("jobs") or {}).items():
            for index, step in enumerate(job.get("steps") or []):
                match = PIN.match(str(step.get("uses", "")))
                if not match:
                    continue
                where = f"{template}: jobs.{job_name}.steps[{index}] ({step.get('name', step['uses'])})"
                action = action_at(match["path"], match["commit"])
                if action is None:
                    problems.append(f"{where}: commit {match['commit']} has no {match['path'] or '.'}/action.yml")
                    continue
                declared = set((action.get("inputs") or {}).keys())
                for given in (step.get("with") or {}).keys():
                    checked += 1
                    if given not in declared:
                        problems.append(
                            f"{where}: input '{given}' is not declared by the pinned commit {match['commit'][:12]} "
                            f"(it declares: {', '.join(sorted(declared))}); pin a commit that has it"
                        )
    for problem in problems:
        print(f"lint: {problem}", file=sys.stderr)
    print(f"pins: {checked} inputs checked against their pinned commits")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
