"""`zxkb mcp`: the knowledge base as tools for AI assistants (the Model Context Protocol).

zxkb.mcp.tools is the table of tools (what each is for, its input and output
schema, the library call and the CLI's JSON view it answers with),
zxkb.mcp.schemas their JSON schemas, zxkb.mcp.text the short plain-text view of
each answer, zxkb.mcp.resources the documents and paragraphs as resources: none
of them imports the MCP SDK. zxkb.mcp.server wires them to the SDK (stdio, or
streamable HTTP on 127.0.0.1); only `zxkb mcp` imports it.
"""
