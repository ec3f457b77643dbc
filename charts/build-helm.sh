#!/usr/bin/env bash
# Builds the helm CLI from the Go module proxy into a cache outside the repo, keyed by version,
# so the chart tests can run `helm lint` / `helm template` on machines with no helm package.
# helm v3's go.mod has no replace directives, so `go install helm.sh/helm/v3/cmd/helm@<pin>` works
# without a wrapper module (checked for v3.22.0). Prints the binary's path on stdout, nothing else.
#
# Usage: bash charts/build-helm.sh            (builds once; later runs are a no-op)
# Env:   PLEX_MCP_CACHE (default ${XDG_CACHE_HOME:-$HOME/.cache}/plex-mcp), HELM_VERSION (default the pin below)
set -euo pipefail

helm_version="${HELM_VERSION:-v3.22.0}"
# helm's Makefile derives the Kubernetes version it reports to charts (.Capabilities.KubeVersion) from
# its client-go pin (v0.37.x → 1.37); we set the same ldflags so `helm template` behaves like a release build.
k8s_major=1
k8s_minor=37

cache_root="${PLEX_MCP_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/plex-mcp}"
install_dir="$cache_root/helm/$helm_version"
helm_bin="$install_dir/helm"

if [ -x "$helm_bin" ] && "$helm_bin" version --short 2>/dev/null | grep -q "^${helm_version}"; then
  echo "$helm_bin"
  exit 0
fi

if ! command -v go >/dev/null 2>&1; then
  echo "build-helm: Go is required to build helm $helm_version (no prebuilt binaries are downloaded)" >&2
  exit 1
fi

mkdir -p "$install_dir"
echo "build-helm: building helm $helm_version into $install_dir (one-off, a few minutes)" >&2
ldflags="-s -w"
ldflags+=" -X helm.sh/helm/v3/internal/version.version=${helm_version}"
ldflags+=" -X helm.sh/helm/v3/internal/version.metadata="
ldflags+=" -X helm.sh/helm/v3/internal/version.gitTreeState=clean"
ldflags+=" -X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMajor=${k8s_major}"
ldflags+=" -X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMinor=${k8s_minor}"
ldflags+=" -X helm.sh/helm/v3/pkg/chartutil.k8sVersionMajor=${k8s_major}"
ldflags+=" -X helm.sh/helm/v3/pkg/chartutil.k8sVersionMinor=${k8s_minor}"

# nice: the Kubernetes control-plane build may be compiling on the same two cores.
GOTOOLCHAIN=local GOWORK=off CGO_ENABLED=0 GOFLAGS=-buildvcs=false GOBIN="$install_dir" \
  nice -n 10 go install -trimpath -ldflags "$ldflags" "helm.sh/helm/v3/cmd/helm@${helm_version}" >&2

"$helm_bin" version --short >&2
echo "$helm_bin"
