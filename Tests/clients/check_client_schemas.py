"""Validates what `plenar connect` writes against the JSON schemas the clients publish.

Usage: check_client_schemas.py [--schema-dir DIR]

Reads the recorded files plenar writes from nothing (Tests/PlenarTests/Golden/CLIENT-new.txt and
CLIENT-project.txt; ClientConfigTests checks that they are what plenar writes, byte for byte) and
validates each against its client's schema: JSON as JSON, Codex's TOML through tomllib. The
schemas are read from DIR/CLIENT.schema.json when --schema-dir is given; else from a local git
mirror of the client's repository at the commit named below, when one exists
($PLENAR_SCHEMA_MIRRORS, default /work/.mirror, holding OWNER+NAME/repo); else fetched from the
network. A schema none of these can give is reported as skipped, by name, and not counted as a
pass: CI machines without network check what their mirrors hold. Clients that publish no schema for
their project file (Claude Code's .mcp.json, Cursor, VS Code, Zed, Amp, Kilo Code, Continue's
YAML blocks, Copilot CLI) are not listed. Prints one line per file; exit 1 on any failure.
"""
import json
import os
import pathlib
import re
import subprocess
import sys
import tomllib
import urllib.request

import jsonschema
import referencing
import referencing.jsonschema

SCHEMAS = {
    # google-gemini/gemini-cli schemas/settings.schema.json
    "gemini": "https://raw.githubusercontent.com/google-gemini/gemini-cli/5411f113cafae26161b4969b0237b8e1e024e2c2/schemas/settings.schema.json",
    # openai/codex codex-rs/core/config.schema.json
    "codex": "https://raw.githubusercontent.com/openai/codex/b8a1c8f8c4671c9a534eede7f32f11f5c9a5f938/codex-rs/core/config.schema.json",
    # the schema opencode.json names in "$schema"
    "opencode": "https://opencode.ai/config.json",
}
RAW = re.compile(r"^https://raw\.githubusercontent\.com/(?P<owner>[^/]+)/(?P<name>[^/]+)/(?P<commit>[0-9a-f]{40})/(?P<path>.+)$")


def from_mirror(url: str):
    """The file at its pinned commit from a local git mirror of the repository, or None."""
    match = RAW.match(url)
    if not match:
        return None
    mirrors = pathlib.Path(os.environ.get("PLENAR_SCHEMA_MIRRORS", "/work/.mirror"))
    repository = mirrors / f"{match['owner']}+{match['name']}" / "repo"
    if not repository.is_dir():
        return None
    shown = subprocess.run(
        ["git", f"--git-dir={repository}", "show", f"{match['commit']}:{match['path']}"], capture_output=True
    )
    return json.loads(shown.stdout) if shown.returncode == 0 else None


def schema_for(client: str, url: str, schema_dir):
    """(schema, where it came from), or (None, why not)."""
    if schema_dir is not None:
        local = schema_dir / f"{client}.schema.json"
        return (json.loads(local.read_text()), str(local)) if local.exists() else (None, f"no {local}")
    mirrored = from_mirror(url)
    if mirrored is not None:
        return mirrored, "a local mirror"
    try:
        return fetch(url), url
    except (OSError, ValueError) as problem:
        return None, f"not in a local mirror, and {url} is unreachable ({problem})"

GOLDEN = pathlib.Path(__file__).resolve().parent.parent / "PlenarTests" / "Golden"


def fetch(url: str):
    with urllib.request.urlopen(url, timeout=30) as response:
        return json.load(response)


def retrieve(uri: str):
    return referencing.Resource.from_contents(fetch(uri), default_specification=referencing.jsonschema.DRAFT202012)


def main(argv: list[str]) -> int:
    schema_dir = pathlib.Path(argv[argv.index("--schema-dir") + 1]) if "--schema-dir" in argv else None
    failures = 0
    for client, url in SCHEMAS.items():
        schema, source = schema_for(client, url, schema_dir)
        if schema is None:
            print(f"{client}: SKIPPED, not checked: {source}")
            continue
        print(f"{client}: schema from {source}")
        validator_class = jsonschema.validators.validator_for(schema)
        validator = validator_class(schema, registry=referencing.Registry(retrieve=retrieve))
        for kind in ("new", "project"):
            path = GOLDEN / f"{client}-{kind}.txt"
            text = path.read_text()
            document = tomllib.loads(text) if client == "codex" else json.loads(text)
            errors = sorted(validator.iter_errors(document), key=lambda error: list(error.path))
            if errors:
                failures += 1
                for error in errors:
                    print(f"{path.name}: {'/'.join(map(str, error.path)) or '(root)'}: {error.message}")
            else:
                print(f"{path.name}: valid against {client}'s schema")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
