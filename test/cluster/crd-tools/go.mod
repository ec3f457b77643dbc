// Pins of the third-party CRDs the test control plane installs (issue #13). Not part of the product and not built:
// test/cluster/third-party-crds.sh only `go mod download`s these modules (verified against go.sum) and copies
// their CRD YAML (gateway-api: config/crd/standard; prometheus-operator: example/prometheus-operator-crd).
// The prometheus-operator root module's newest version the proxy serves is v0.85.0 (later tags exist only for
// its pkg/apis submodules, which carry Go types, not YAML).
module plexmcp.invalid/crd-tools

go 1.24.0

require (
	github.com/prometheus-operator/prometheus-operator v0.85.0
	sigs.k8s.io/gateway-api v1.6.3
)
