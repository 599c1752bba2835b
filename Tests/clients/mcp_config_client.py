"""Reads an MCP client config the way the named client does and talks to the server it names.

Usage: mcp_config_client.py [--as CLIENT] PATH [SERVER [TOOL [JSON-ARGS]]]

CLIENT (default "claude") picks where the entry lives and how the client expands variables, as
each client's source says (plenar's Sources/PlenarKit/Config/MCPClient.swift names them):
- claude: `mcpServers.SERVER`, requires "type": "http" (Claude Code skips a remote entry without
  it), `${VAR}` and `${VAR:-default}` in the url and headers; an unset variable with no default is
  an error;
- copilot: as claude (Copilot CLI's rules, per VS Code's mcpEnvironmentVariableExpansion.ts);
- gemini: `mcpServers.SERVER` with "type": "http"; `$VAR`, `${VAR}`, `${VAR:-default}` expanded
  in the whole file at load against the full environment (an unset one stays as written), then
  the headers again against the environment without names matching /TOKEN/i (unset: empty);
- vscode: `servers.SERVER` ("type": "http"), `${env:NAME}` (unset: empty);
- cursor: `mcpServers.SERVER`, `${env:NAME}` (unset: empty);
- kilo: `mcpServers.SERVER` with "type": "streamable-http", `${env:NAME}` (unset: left as written);
- opencode: `mcp.SERVER` with "type": "remote", `{env:NAME}` (unset: empty);
- amp: `"amp.mcpServers".SERVER`, `${VAR}` (Amp is closed source and documents no behaviour for an
  unset variable: empty here);
- zed: `context_servers.SERVER`, headers as written;
- codex: TOML `mcp_servers.SERVER`: `url`, the bearer token from the variable `bearer_token_env_var`
  names (unset: an error), each `env_http_headers` header from its variable when set.
Then connects with the Python `mcp` package, lists the tools and calls TOOL (default "whoami").
Prints one JSON line: {"url": …, "header_names": [...], "tools": [...], "result": "…", "is_error": bool};
exit 4 with {"config_error": …} when the entry cannot be used, 3 with {"refused": …} when the server refuses.
"""
import asyncio
import json
import os
import re
import sys
import tomllib

from mcp import ClientSession
from mcp.client.streamable_http import streamable_http_client
from mcp.shared._httpx_utils import create_mcp_http_client

VARIABLE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")


class ConfigError(Exception):
    pass


def expand_strict(text: str) -> str:
    def replace(match: re.Match) -> str:
        name, default = match.group(1), match.group(2)
        value = os.environ.get(name)
        if value is not None:
            return value
        if default is not None:
            return default
        raise ConfigError(f"missing environment variable {name}")
    return VARIABLE.sub(replace, text)


ENV_PREFIXED = re.compile(r"\$\{env:([^}]+)\}")
OPENCODE = re.compile(r"\{env:([^}]+)\}")
GEMINI_LOAD = re.compile(r"\$(?:(\w+)|\{([^}]+?)(?::-([^}]*))?\})")


def gemini_expand(text: str, env: dict) -> str:
    def replace(match: re.Match) -> str:
        name = match.group(1) or match.group(2)
        if name in env:
            return env[name]
        return match.group(3) if match.group(3) is not None else match.group(0)
    return GEMINI_LOAD.sub(replace, text)


def entry_of(config: dict, keys: list[str], server: str) -> dict:
    node = config
    for key in keys:
        node = node.get(key, {}) if isinstance(node, dict) else {}
    entry = node.get(server) if isinstance(node, dict) else None
    if entry is None:
        raise ConfigError(f"no {'.'.join(keys)}.{server}")
    return entry


def load(path: str, server: str, client: str = "claude") -> tuple[str, dict]:
    with open(path, "rb") as file:
        raw = file.read()
    env = dict(os.environ)
    if client == "codex":
        entry = entry_of(tomllib.loads(raw.decode()), ["mcp_servers"], server)
        token = env.get(entry["bearer_token_env_var"])
        if token is None:
            raise ConfigError(f"missing environment variable {entry['bearer_token_env_var']}")
        headers = {"Authorization": f"Bearer {token}"}
        headers.update({name: env[var] for name, var in entry.get("env_http_headers", {}).items() if var in env})
        return entry["url"], headers
    text = raw.decode()
    if client == "opencode":
        text = OPENCODE.sub(lambda m: json.dumps(env.get(m.group(1), ""))[1:-1], text)
    config = json.loads(text)
    keys, wanted_type, expand = {
        "claude": (["mcpServers"], "http", expand_strict),
        "copilot": (["mcpServers"], "http", expand_strict),
        "gemini": (["mcpServers"], "http", lambda value: gemini_expand(value, env)),
        "vscode": (["servers"], "http", lambda value: ENV_PREFIXED.sub(lambda m: env.get(m.group(1), ""), value)),
        "cursor": (["mcpServers"], None, lambda value: ENV_PREFIXED.sub(lambda m: env.get(m.group(1), ""), value)),
        "kilo": (["mcpServers"], "streamable-http", lambda value: ENV_PREFIXED.sub(lambda m: env.get(m.group(1), m.group(0)), value)),
        "opencode": (["mcp"], "remote", lambda value: value),
        "amp": (["amp.mcpServers"], None, lambda value: VARIABLE.sub(lambda m: env.get(m.group(1), ""), value)),
        "zed": (["context_servers"], None, lambda value: value),
    }[client]
    entry = entry_of(config, keys, server)
    if wanted_type is not None and entry.get("type") != wanted_type:
        raise ConfigError(f"{'.'.join(keys)}.{server} has no \"type\": \"{wanted_type}\"")
    url = expand(entry["url"])
    headers = {name: expand(value) for name, value in entry.get("headers", {}).items()}
    if client == "gemini":
        # The second pass, against the environment without names matching TOKEN (dotenv-expand:
        # an unset variable is empty).
        sanitized = {name: value for name, value in env.items() if not re.search("TOKEN", name, re.I)}
        headers = {name: re.sub(r"\$\{?(\w+)\}?", lambda m: sanitized.get(m.group(1), ""), value) for name, value in headers.items()}
    return url, headers


async def main(path: str, server: str, tool: str, arguments: dict, client: str = "claude") -> int:
    try:
        url, headers = load(path, server, client)
    except (ConfigError, KeyError, ValueError) as error:
        print(json.dumps({"config_error": str(error)}))
        return 4
    client = create_mcp_http_client(headers=headers)
    try:
        async with client, streamable_http_client(url, http_client=client) as (read, write):
            async with ClientSession(read, write) as session:
                await session.initialize()
                tools = await session.list_tools()
                result = await session.call_tool(tool, arguments)
    except BaseException as error:  # an ExceptionGroup from anyio when the server refuses
        print(json.dumps({"refused": repr(error)}))
        return 3
    text = "".join(part.text for part in result.content if getattr(part, "type", "") == "text")
    print(json.dumps({
        "url": url,
        "header_names": sorted(headers),
        "tools": sorted(t.name for t in tools.tools),
        "result": text,
        "is_error": bool(result.is_error),
    }))
    return 0


if __name__ == "__main__":
    argv = sys.argv[1:]
    client = "claude"
    if argv[:1] == ["--as"]:
        client, argv = argv[1], argv[2:]
    path = argv[0]
    server = argv[1] if len(argv) > 1 else "plenar"
    tool = argv[2] if len(argv) > 2 else "whoami"
    arguments = json.loads(argv[3]) if len(argv) > 3 else {}
    sys.exit(asyncio.run(main(path, server, tool, arguments, client)))
