#!/usr/bin/env bash
# Sourced by humans (and the helpers' shells): puts a Node that can run the project's .ts files first on PATH.
# .ci/with-node.mjs decides (package.json engines.node) and, on an older system Node, provisions Node 24 from
# the npm registry into ~/.cache/plex-mcp/node/; `npm run <script>` does the same by itself without this file.
_plex_mcp_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if _plex_mcp_bin="$(node "$_plex_mcp_root/.ci/with-node.mjs" --print-bin-dir)"; then
  case ":$PATH:" in *":$_plex_mcp_bin:"*) ;; *) export PATH="$_plex_mcp_bin:$PATH" ;; esac
fi
unset _plex_mcp_root _plex_mcp_bin
echo "using node $(node --version) at $(command -v node)" >&2
