"""A real third-party MCP client (the Python `mcp` package) against the sandbox's /mcp.

Usage: mcp_client.py URL TOKEN [TOOL [JSON-ARGS]]
Prints one JSON line: {"server": …, "tools": [...], "result": {...}, "is_error": bool}
or, when the server refuses the connection, {"refused": "<error>"} and exit status 3.
"""
import asyncio
import json
import sys

from mcp import ClientSession
from mcp.client.streamable_http import streamable_http_client
from mcp.shared._httpx_utils import create_mcp_http_client


async def main(url: str, token: str, tool: str, arguments: dict) -> int:
    client = create_mcp_http_client(headers={"Authorization": f"Bearer {token}"})
    try:
        async with client, streamable_http_client(url, http_client=client) as (read, write):
            async with ClientSession(read, write) as session:
                init = await session.initialize()
                tools = await session.list_tools()
                result = await session.call_tool(tool, arguments)
    except BaseException as error:  # an ExceptionGroup from anyio when the server refuses
        print(json.dumps({"refused": repr(error)}))
        return 3
    text = "".join(part.text for part in result.content if getattr(part, "type", "") == "text")
    print(json.dumps({
        "server": init.server_info.name,
        "tools": sorted(t.name for t in tools.tools),
        "result": text,
        "is_error": bool(result.is_error),
    }))
    return 0


if __name__ == "__main__":
    url, token = sys.argv[1], sys.argv[2]
    tool = sys.argv[3] if len(sys.argv) > 3 else "whoami"
    arguments = json.loads(sys.argv[4]) if len(sys.argv) > 4 else {}
    sys.exit(asyncio.run(main(url, token, tool, arguments)))
