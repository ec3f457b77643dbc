#!/usr/bin/env bash
# End-to-end test on a real kind cluster (needs kind and a container engine, Docker or podman; not part of `npm test`):
#   1. create a kind cluster            5. apply a PlexMcpServer pointing at the simulator
#   2. build the image (+ plex-sim)     6. wait for Ready, read the endpoint and the auth token
#   3. load both into kind              7. port-forward, call every MCP tool and check the answers
#   4. install the Helm chart           8. delete the cluster (KEEP_CLUSTER=1 keeps it for debugging)
# The Plex simulator runs in the cluster from the Dockerfile's `plex-sim` target (the runtime image
# ships only dist/, so the simulator's sources get an image of their own that is never published).
#
# Usage: bash test/e2e/kind-e2e.sh
# Env:   KIND_PROVIDER (docker | podman; default: docker when its engine answers, else podman),
#        KIND_CLUSTER_NAME (plex-mcp-e2e), KEEP_CLUSTER (0), REDIS_MODE (Managed | Disabled),
#        LOCAL_PORT (18080), HELM_BIN (else charts/build-helm.sh), READY_TIMEOUT (300s)
# Exit:  0 all tools answered as expected; 1 a step failed; 2 a prerequisite is missing (checked first,
#        before anything is created).
set -euo pipefail

repo_root="$(cd "${BASH_SOURCE[0]%/*}/../.." && pwd)"
cluster="${KIND_CLUSTER_NAME:-plex-mcp-e2e}"
keep_cluster="${KEEP_CLUSTER:-0}"
redis_mode="${REDIS_MODE:-Managed}"
local_port="${LOCAL_PORT:-18080}"
ready_timeout="${READY_TIMEOUT:-300s}"
image="plex-mcp:e2e"
sim_image="plex-mcp-sim:e2e"
operator_ns="plex-mcp-system"
app_ns="plex-e2e"
resource="e2e"

log() { printf '[kind-e2e] %s\n' "$*" >&2; }
missing() {
  log "cannot run: $*"
  exit 2
}

# ---- prerequisites: fail fast, create nothing --------------------------------------------------------
# The engine builds the images and runs kind's nodes: Docker, or podman through kind's podman provider.
engine="${KIND_PROVIDER:-}"
if [ -z "$engine" ]; then
  if command -v docker >/dev/null 2>&1; then
    engine=docker
  elif command -v podman >/dev/null 2>&1; then
    engine=podman
  else
    missing "docker is not installed, nor podman (the kind e2e test needs a container engine; on machines without one, run the local equivalent: npx vitest run --project cluster test/integration/cluster/e2e-local)"
  fi
fi
[ "$engine" = docker ] || [ "$engine" = podman ] || missing "KIND_PROVIDER must be docker or podman"
command -v "$engine" >/dev/null 2>&1 || missing "$engine is not installed (KIND_PROVIDER=$engine)"
command -v kind >/dev/null 2>&1 || missing "kind is not installed (go install sigs.k8s.io/kind@latest, or see https://kind.sigs.k8s.io)"
command -v kubectl >/dev/null 2>&1 || missing "kubectl is not installed"
command -v node >/dev/null 2>&1 || missing "node is not installed (Node >= 22.19; source .ci/node.sh)"
if [ "$engine" = docker ]; then
  docker info >/dev/null 2>&1 || missing "the Docker engine is not reachable ('docker info' failed): start Docker, or check DOCKER_HOST and your permissions"
else
  podman info >/dev/null 2>&1 || missing "podman is not usable ('podman info' failed); kind's podman provider needs rootful podman or a cgroup v2 rootless set-up"
  export KIND_EXPERIMENTAL_PROVIDER=podman
fi
if [ -n "${HELM_BIN:-}" ]; then
  helm_bin="$HELM_BIN"
else
  helm_bin="$(bash "$repo_root/charts/build-helm.sh")" || missing "helm is not available and charts/build-helm.sh could not build it"
fi
[ "${redis_mode}" = "Managed" ] || [ "${redis_mode}" = "Disabled" ] || missing "REDIS_MODE must be Managed or Disabled"

cd "$repo_root"
port_forward_pid=""
cleanup() {
  local status=$?
  if [ -n "$port_forward_pid" ]; then kill "$port_forward_pid" 2>/dev/null || true; fi
  if [ "$status" -ne 0 ]; then
    log "failed; state of the cluster:"
    kubectl get pms,deploy,pods,svc -A -o wide 2>/dev/null | grep -E "NAME|$app_ns|$operator_ns" >&2 || true
    kubectl -n "$operator_ns" logs deploy/plex-mcp-operator --tail=50 >&2 2>/dev/null || true
  fi
  if [ "$keep_cluster" = "1" ]; then
    log "keeping cluster $cluster (kind delete cluster --name $cluster)"
  else
    log "deleting cluster $cluster"
    kind delete cluster --name "$cluster" >/dev/null 2>&1 || true
  fi
  exit "$status"
}
trap cleanup EXIT

# ---- 1-3: cluster and images -------------------------------------------------------------------------
if kind get clusters 2>/dev/null | grep -qx "$cluster"; then
  log "reusing kind cluster $cluster"
else
  log "creating kind cluster $cluster"
  kind create cluster --name "$cluster" --wait 120s
fi
kubectl config use-context "kind-$cluster" >/dev/null

log "building $image and $sim_image"
"$engine" build --tag "$image" --build-arg REVISION="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)" .
"$engine" build --tag "$sim_image" --target plex-sim .
if [ "$engine" = docker ]; then
  kind load docker-image --name "$cluster" "$image" "$sim_image"
else
  # kind takes podman's images from an archive. podman stores plex-mcp:e2e as localhost/plex-mcp:e2e, but the
  # nodes' containerd resolves the pods' plex-mcp:e2e to docker.io/library/plex-mcp:e2e: save them under that name.
  archive="$(mktemp "${TMPDIR:-/tmp}/kind-e2e-images.XXXXXX.tar")"
  podman tag "$image" "docker.io/library/$image"
  podman tag "$sim_image" "docker.io/library/$sim_image"
  podman save --multi-image-archive --output "$archive" "docker.io/library/$image" "docker.io/library/$sim_image"
  kind load image-archive --name "$cluster" "$archive"
  rm -f "$archive"
fi

# ---- 4: the chart ------------------------------------------------------------------------------------
log "installing the chart"
"$helm_bin" upgrade --install plex-mcp-operator charts/plex-mcp-operator \
  --namespace "$operator_ns" --create-namespace \
  --set image.repository="${image%%:*}" --set image.tag="${image##*:}" --set image.pullPolicy=Never \
  --wait --timeout 5m

# ---- 5: the simulator and the resource ---------------------------------------------------------------
kubectl create namespace "$app_ns" --dry-run=client -o yaml | kubectl apply -f - >/dev/null
plex_token="$(node -e 'process.stdout.write(require("node:crypto").randomBytes(24).toString("base64url"))')"
kubectl -n "$app_ns" create secret generic plex-token --from-literal=token="$plex_token" \
  --dry-run=client -o yaml | kubectl apply -f - >/dev/null
kubectl -n "$app_ns" label secret plex-token plexmcp.dev/referable=true --overwrite >/dev/null

log "starting the Plex simulator in the cluster"
kubectl -n "$app_ns" apply -f - <<EOF
apiVersion: apps/v1
kind: Deployment
metadata:
  name: plex-sim
  labels: { app.kubernetes.io/name: plex-sim }
spec:
  replicas: 1
  selector: { matchLabels: { app.kubernetes.io/name: plex-sim } }
  template:
    metadata:
      labels: { app.kubernetes.io/name: plex-sim }
    spec:
      securityContext: { runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: RuntimeDefault } }
      containers:
        - name: plex-sim
          image: $sim_image
          imagePullPolicy: Never
          args: ["--host", "0.0.0.0", "--port", "32400", "--token", "\$(PLEX_TOKEN)"]
          env:
            - name: PLEX_TOKEN
              valueFrom: { secretKeyRef: { name: plex-token, key: token } }
          ports: [{ name: http, containerPort: 32400 }]
          readinessProbe: { tcpSocket: { port: http }, periodSeconds: 2 }
          securityContext:
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
            capabilities: { drop: [ALL] }
---
apiVersion: v1
kind: Service
metadata:
  name: plex-sim
spec:
  selector: { app.kubernetes.io/name: plex-sim }
  ports: [{ name: http, port: 32400, targetPort: http }]
EOF
kubectl -n "$app_ns" rollout status deploy/plex-sim --timeout=120s

log "applying PlexMcpServer $app_ns/$resource (redis: $redis_mode)"
kubectl -n "$app_ns" apply -f - <<EOF
apiVersion: plexmcp.dev/v1alpha1
kind: PlexMcpServer
metadata:
  name: $resource
spec:
  plex:
    url: http://plex-sim.$app_ns.svc.cluster.local:32400
    tokenSecretRef: { name: plex-token, key: token }
  redis:
    mode: $redis_mode
  image: $image
  imagePullPolicy: Never
  replicas: 1
  logLevel: debug
EOF

# ---- 6: Ready, endpoint, token -----------------------------------------------------------------------
log "waiting up to $ready_timeout for Ready"
kubectl -n "$app_ns" wait "pms/$resource" --for=condition=Ready --timeout="$ready_timeout"
endpoint="$(kubectl -n "$app_ns" get "pms/$resource" -o jsonpath='{.status.endpoint}')"
auth_secret="$(kubectl -n "$app_ns" get "pms/$resource" -o jsonpath='{.status.authSecretName}')"
log "Ready: endpoint $endpoint, auth Secret $auth_secret"
AUTH_TOKEN="$(kubectl -n "$app_ns" get secret "$auth_secret" -o jsonpath='{.data.AUTH_TOKEN}' | base64 -d)"
export AUTH_TOKEN

# ---- 7: every tool through a port-forward ------------------------------------------------------------
service_port="${endpoint##*:}"
service_port="${service_port%%/*}"
kubectl -n "$app_ns" port-forward "svc/$resource" "$local_port:$service_port" >/dev/null 2>&1 &
port_forward_pid=$!
for _ in $(seq 1 30); do
  if node -e "fetch('http://127.0.0.1:$local_port/health/live').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"; then
    break
  fi
  sleep 1
done
log "calling every tool through http://127.0.0.1:$local_port/mcp"
node test/e2e/call-every-tool.ts --url "http://127.0.0.1:$local_port/mcp"
log "passed"
