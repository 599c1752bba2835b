"""Reads an MCP client config the way Claude Code does and talks to the server it names.

Usage: mcp_config_client.py PATH/.mcp.json [SERVER [TOOL [JSON-ARGS]]]

Takes `mcpServers.SERVER` (default "plenar") from the file, requires "type": "http" (Claude Code
skips a remote entry without it), expands ${VAR} and ${VAR:-default} in the url and the headers as
Claude Code documents (an unset variable with no default is an error), then connects with the
Python `mcp` package, lists the tools and calls TOOL (default "whoami").
Prints one JSON line: {"url": …, "header_names": [...], "tools": [...], "result": "…", "is_error": bool};
exit 4 with {"config_error": …} when the entry cannot be used, 3 with {"refused": …} when the server refuses.
"""
import asyncio
import json
import os
import re
import sys

from mcp import ClientSession
from mcp.client.streamable_http import streamable_http_client
from mcp.shared._httpx_utils import create_mcp_http_client

VARIABLE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")


class ConfigError(Exception):
    pass


def expand(text: str) -> str:
    def replace(match: re.Match) -> str:
        name, default = match.group(1), match.group(2)
        value = os.environ.get(name)
        if value is not None:
            return value
        if default is not None:
            return default
        raise ConfigError(f"missing environment variable {name}")
    return VARIABLE.sub(replace, text)


def load(path: str, server: str) -> tuple[str, dict]:
    with open(path, encoding="utf-8") as file:
        config = json.load(file)
    entry = config.get("mcpServers", {}).get(server)
    if entry is None:
        raise ConfigError(f"no mcpServers.{server} in {path}")
    if entry.get("type") != "http":
        raise ConfigError(f"mcpServers.{server} has no \"type\": \"http\"")
    url = expand(entry["url"])
    headers = {name: expand(value) for name, value in entry.get("headers", {}).items()}
    return url, headers


async def main(path: str, server: str, tool: str, arguments: dict) -> int:
    try:
        url, headers = load(path, server)
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
    path = sys.argv[1]
    server = sys.argv[2] if len(sys.argv) > 2 else "plenar"
    tool = sys.argv[3] if len(sys.argv) > 3 else "whoami"
    arguments = json.loads(sys.argv[4]) if len(sys.argv) > 4 else {}
    sys.exit(asyncio.run(main(path, server, tool, arguments)))
