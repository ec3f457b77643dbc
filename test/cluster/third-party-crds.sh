#!/usr/bin/env bash
# Fetches the third-party CRDs the test control plane installs (issue #13), from the Go module proxy: the Gateway
# API's (HTTPRoute and friends) and the Prometheus Operator's (ServiceMonitor, PodMonitor, PrometheusRule). The
# modules are pinned in crd-tools/go.mod and verified against crd-tools/go.sum by `go mod download`; the chosen
# YAML files are copied into a cache directory OUTSIDE the repo keyed by a hash of the pins and of this script (as
# build.sh does for the binaries), so Go is needed only once per machine and pin.
#
# Usage:
#   bash test/cluster/third-party-crds.sh                  fetch if missing; last stdout line = the CRD dir
#   bash test/cluster/third-party-crds.sh --print-dir      print the CRD dir only; exit 1 if not fetched yet
#
# Env: PLEX_MCP_CACHE (default ${XDG_CACHE_HOME:-$HOME/.cache}/plex-mcp).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
mod="$here/crd-tools"
cache_root="${PLEX_MCP_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/plex-mcp}/crds"
key="$(cat "$mod/go.mod" "$mod/go.sum" "$here/third-party-crds.sh" | sha256sum | cut -c1-16)"
crd_dir="$cache_root/$key"

# module path | directory inside the module | files (the CRDs our renderers and chart use, plus what they refer to)
sources=(
  "sigs.k8s.io/gateway-api|config/crd/standard|gateway.networking.k8s.io_gatewayclasses.yaml gateway.networking.k8s.io_gateways.yaml gateway.networking.k8s.io_httproutes.yaml gateway.networking.k8s.io_referencegrants.yaml"
  "github.com/prometheus-operator/prometheus-operator|example/prometheus-operator-crd|monitoring.coreos.com_servicemonitors.yaml monitoring.coreos.com_podmonitors.yaml monitoring.coreos.com_prometheusrules.yaml"
)

complete() { [ -f "$crd_dir/.complete" ]; }

if [ "${1:-}" = "--print-dir" ]; then
  echo "$crd_dir"
  complete
  exit $?
fi

log() { echo "[third-party-crds.sh] $*" >&2; }

if complete; then
  echo "$crd_dir"
  exit 0
fi

if ! command -v go >/dev/null 2>&1 && [ -x /usr/local/go/bin/go ]; then
  export PATH="/usr/local/go/bin:$PATH"
fi
command -v go >/dev/null 2>&1 || {
  log "Go is required once to fetch the third-party CRDs from the module proxy; none found on PATH or in /usr/local/go/bin"
  exit 1
}

mkdir -p "$cache_root"
exec 9>"$cache_root/$key.lock"
flock 9
if complete; then
  echo "$crd_dir"
  exit 0
fi

# readonly: a fetch must never rewrite the committed pins; fix them with `go mod download` + review of go.sum.
export GOWORK=off GOTOOLCHAIN=local GOFLAGS="-mod=readonly"
tmp_dir="$crd_dir.partial.$$"
rm -rf "$tmp_dir"
mkdir -p "$tmp_dir"
trap 'rm -rf "$tmp_dir"' EXIT

for source in "${sources[@]}"; do
  IFS='|' read -r module subdir files <<<"$source"
  dir="$(cd "$mod" && go mod download -json "$module" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
  if [ -z "$dir" ] || [ ! -d "$dir/$subdir" ]; then
    log "go mod download $module gave no directory with $subdir"
    exit 1
  fi
  version="$(cd "$mod" && go list -m -f '{{.Version}}' "$module")"
  for file in $files; do
    cp "$dir/$subdir/$file" "$tmp_dir/$file"
  done
  log "$module $version: $files"
done

touch "$tmp_dir/.complete"
rm -rf "$crd_dir"
mv "$tmp_dir" "$crd_dir"
trap - EXIT
echo "$crd_dir"
