#!/usr/bin/env bash
# Builds the binaries of the test control plane (issue #4) from the Go module proxy, without Docker:
# etcd, kube-apiserver, kube-controller-manager, kube-scheduler (test/cluster/k8s-tools) and kwok
# (test/cluster/kwok-tools). They go into a cache directory OUTSIDE the repo, keyed by a hash of the
# pins and of this script, so a machine builds them once and every later run (CI included) reuses them.
#
# Usage:
#   bash test/cluster/build.sh                  build if missing; last stdout line = the bin dir
#   bash test/cluster/build.sh --print-bin-dir  print the bin dir only; exit 1 if it is not built yet
#
# Env: PLEX_MCP_CACHE (default ${XDG_CACHE_HOME:-$HOME/.cache}/plex-mcp). GOCACHE/GOMODCACHE are left at
# Go's defaults on purpose, so repeated builds on one machine share compiled packages and downloads.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
k8s_mod="$here/k8s-tools"
kwok_mod="$here/kwok-tools"
cache_root="${PLEX_MCP_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/plex-mcp}/k8s"

# Everything that changes the output is in the key: both modules' pins and this script (flags, ldflags).
key="$(cat "$k8s_mod/go.mod" "$k8s_mod/go.sum" "$kwok_mod/go.mod" "$kwok_mod/go.sum" "$here/build.sh" |
  sha256sum | cut -c1-16)"
key_dir="$cache_root/$key"
bin_dir="$key_dir/bin"
binaries=(etcd kube-apiserver kube-controller-manager kube-scheduler kwok)

all_present() {
  local b
  for b in "${binaries[@]}"; do [ -x "$bin_dir/$b" ] || return 1; done
}

if [ "${1:-}" = "--print-bin-dir" ]; then
  echo "$bin_dir"
  all_present
  exit $?
fi

log() { echo "[build.sh] $*" >&2; }

if all_present; then
  log "control-plane binaries already built for key $key"
  echo "$bin_dir"
  exit 0
fi

# Non-login shells (CI) may lack the Go SDK's usual location on PATH.
if ! command -v go >/dev/null 2>&1 && [ -x /usr/local/go/bin/go ]; then
  export PATH="/usr/local/go/bin:$PATH"
fi
command -v go >/dev/null 2>&1 || {
  log "Go is required to build the control plane (go 1.24+); none found on PATH or in /usr/local/go/bin"
  exit 1
}

# One build per key at a time: a second caller (another terminal, CI) waits instead of racing.
mkdir -p "$cache_root"
exec 9>"$cache_root/$key.lock"
flock 9
if all_present; then
  log "built by a concurrent run while waiting for the lock"
  echo "$bin_dir"
  exit 0
fi

# readonly: a build must never rewrite the committed pins (or look up new versions); fix them with go mod tidy.
export GOWORK=off GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS="-mod=readonly -buildvcs=false"
# Build into a scratch dir and rename at the end, so an interrupted build never looks complete.
tmp_bin="$key_dir/bin.partial.$$"
rm -rf "$tmp_bin"
mkdir -p "$tmp_bin"
trap 'rm -rf "$tmp_bin"' EXIT

kube_version="$(cd "$k8s_mod" && go list -m -f '{{.Version}}' k8s.io/kubernetes)" # e.g. v1.34.4
kube_minor="$(echo "$kube_version" | cut -d. -f2)"
kwok_version="$(cd "$kwok_mod" && go list -m -f '{{.Version}}' sigs.k8s.io/kwok)"
build_date="$(date -u +%Y-%m-%dT%H:%M:%SZ)"

# Without these, --version says v0.0.0-master and tools that read it (kwokctl, humans) misjudge the
# version. gitMinor must equal the compiled-in binary version or the emulation-version check fails.
kube_ldflags="-s -w \
 -X k8s.io/component-base/version.gitVersion=$kube_version \
 -X k8s.io/component-base/version.gitMajor=1 \
 -X k8s.io/component-base/version.gitMinor=$kube_minor \
 -X k8s.io/component-base/version.gitTreeState=clean \
 -X k8s.io/component-base/version.buildDate=$build_date"
kwok_ldflags="-s -w -X sigs.k8s.io/kwok/pkg/consts.Version=${kwok_version#v}"

# A cold build needs ~4 GB of GOCACHE, ~1.4 GB of modules and ~0.4 GB of binaries; say so before a 15-min build
# dies of a full disk halfway.
free_kb="$(df -Pk "$(go env GOCACHE | xargs dirname)" | awk 'NR==2 {print $4}')"
if [ -n "$free_kb" ] && [ "$free_kb" -lt $((6 * 1024 * 1024)) ]; then
  log "WARNING: only $((free_kb / 1024)) MB free for GOCACHE; a cold build needs about 6 GB"
fi

t0=$(date +%s)
log "building kube-apiserver, kube-controller-manager, kube-scheduler $kube_version (cold builds take 10-20+ min on 2 cores)"
(cd "$k8s_mod" && go build -trimpath -ldflags "$kube_ldflags" -o "$tmp_bin/" \
  k8s.io/kubernetes/cmd/kube-apiserver \
  k8s.io/kubernetes/cmd/kube-controller-manager \
  k8s.io/kubernetes/cmd/kube-scheduler)
t1=$(date +%s)
log "kubernetes binaries: $((t1 - t0)) s"

# etcd's main package is the module root go.etcd.io/etcd/server/v3; -o names it etcd (not "v3"/"server").
(cd "$k8s_mod" && go build -trimpath -ldflags "-s -w" -o "$tmp_bin/etcd" go.etcd.io/etcd/server/v3)
t2=$(date +%s)
log "etcd: $((t2 - t1)) s"

(cd "$kwok_mod" && go build -trimpath -ldflags "$kwok_ldflags" -o "$tmp_bin/kwok" sigs.k8s.io/kwok/cmd/kwok)
t3=$(date +%s)
log "kwok $kwok_version: $((t3 - t2)) s"

"$tmp_bin/kube-apiserver" --version >&2
"$tmp_bin/etcd" --version >&2 # no `| head`: with pipefail, SIGPIPE would fail the build

rm -rf "$bin_dir"
mv "$tmp_bin" "$bin_dir"
trap - EXIT
log "total build: $((t3 - t0)) s; binaries: $(du -sh "$bin_dir" | cut -f1)"
echo "$bin_dir"
