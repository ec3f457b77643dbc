#!/usr/bin/env bash
# Builds a Go command from the Go module proxy into a cache outside the repo, keyed by module and version, and prints
# the binary's path on stdout (nothing else). Used for the release-file checks, which cannot run the real thing here:
#   actionlint     github.com/rhysd/actionlint/cmd/actionlint                  (GitHub workflow syntax and semantics)
#   mcp-publisher  github.com/modelcontextprotocol/registry/cmd/publisher      (`validate`: server.json against the
#                                                                              registry's embedded schema and rules)
# Usage: bash .ci/build-go-tool.sh <name> <module/cmd/path> <version>
# Env:   PLEX_MCP_CACHE (default ${XDG_CACHE_HOME:-$HOME/.cache}/plex-mcp)
set -euo pipefail

name="$1" package="$2" version="$3"
cache_root="${PLEX_MCP_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/plex-mcp}"
install_dir="$cache_root/go-tools/$name-$version"
binary="$install_dir/$name"

if [ -x "$binary" ]; then
  echo "$binary"
  exit 0
fi
if ! command -v go >/dev/null 2>&1 && [ -x /usr/local/go/bin/go ]; then export PATH="/usr/local/go/bin:$PATH"; fi
command -v go >/dev/null 2>&1 || {
  echo "build-go-tool: Go is required to build $name $version" >&2
  exit 1
}

mkdir -p "$install_dir"
# One build per tool and version at a time; a second caller waits and then finds the binary.
exec 9>"$install_dir.lock"
flock 9
if [ -x "$binary" ]; then
  echo "$binary"
  exit 0
fi
echo "build-go-tool: building $name $version from $package (once; cached in $install_dir)" >&2
scratch="$(mktemp -d "$install_dir.partial.XXXXXX")"
trap 'rm -rf "$scratch"' EXIT
GOTOOLCHAIN=local GOWORK=off CGO_ENABLED=0 GOFLAGS=-buildvcs=false GOBIN="$scratch" \
  nice -n 10 go install -trimpath -ldflags "-s -w" "$package@$version" >&2
mv "$scratch/$(basename "$package")" "$binary"
echo "$binary"
