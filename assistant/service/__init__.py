"""fashen as a service: the HTTP API (`fashen serve`, api.py) and the MCP server (`fashen mcp`, mcp.py), thin layers
over the same library calls as the CLI (jobs.py), with bearer tokens (auth.py)."""
