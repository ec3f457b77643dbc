{{/* Name of the chart, overridable. */}}
{{- define "plex-mcp-operator.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Full name: release-based unless fullnameOverride is set; 63 chars max (DNS label). */}}
{{- define "plex-mcp-operator.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "plex-mcp-operator.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Selector labels: stable for the life of the release (Deployment selectors are immutable). */}}
{{- define "plex-mcp-operator.selectorLabels" -}}
app.kubernetes.io/name: {{ include "plex-mcp-operator.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: operator
{{- end }}

{{- define "plex-mcp-operator.labels" -}}
helm.sh/chart: {{ include "plex-mcp-operator.chart" . }}
{{ include "plex-mcp-operator.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: plex-mcp
{{- end }}

{{- define "plex-mcp-operator.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "plex-mcp-operator.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "plex-mcp-operator.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}

{{/* The server image for PlexMcpServers without spec.image: the operator image unless overridden. */}}
{{- define "plex-mcp-operator.serverImage" -}}
{{- $repo := default .Values.image.repository .Values.serverImage.repository }}
{{- $tag := default (default .Chart.AppVersion .Values.image.tag) .Values.serverImage.tag }}
{{- printf "%s:%s" $repo $tag }}
{{- end }}

{{/*
The operator's permissions on PlexMcpServers and their children. Used by the ClusterRole (all namespaces)
or by one Role per watched namespace, so both scopes grant exactly the same verbs.
*/}}
{{- define "plex-mcp-operator.rules" -}}
- apiGroups: ["plexmcp.dev"]
  resources: ["plexmcpservers"]
  verbs: ["get", "list", "watch"]
- apiGroups: ["plexmcp.dev"]
  resources: ["plexmcpservers/status"]
  verbs: ["get", "update", "patch"]
# Children carry ownerReferences with blockOwnerDeletion, which needs update on the owner's finalizers.
- apiGroups: ["plexmcp.dev"]
  resources: ["plexmcpservers/finalizers"]
  verbs: ["update"]
# The operator's children, applied with server-side apply (patch) and read back through informers.
# Secrets: the generated auth and Redis Secrets, and the user's Plex token Secrets it only reads.
- apiGroups: [""]
  resources: ["configmaps", "secrets", "services"]
  verbs: ["get", "list", "watch", "create", "update", "patch", "delete"]
- apiGroups: ["apps"]
  resources: ["deployments"]
  verbs: ["get", "list", "watch", "create", "update", "patch", "delete"]
- apiGroups: ["networking.k8s.io"]
  resources: ["networkpolicies", "ingresses"]
  verbs: ["get", "list", "watch", "create", "update", "patch", "delete"]
# spec.autoscaling: an HPA, and a PodDisruptionBudget whenever more than one server pod can run.
- apiGroups: ["autoscaling"]
  resources: ["horizontalpodautoscalers"]
  verbs: ["get", "list", "watch", "create", "update", "patch", "delete"]
- apiGroups: ["policy"]
  resources: ["poddisruptionbudgets"]
  verbs: ["get", "list", "watch", "create", "update", "patch", "delete"]
# spec.gateway and spec.monitoring.serviceMonitor, used only when the cluster serves these CRDs.
- apiGroups: ["gateway.networking.k8s.io"]
  resources: ["httproutes"]
  verbs: ["get", "list", "watch", "create", "update", "patch", "delete"]
- apiGroups: ["monitoring.coreos.com"]
  resources: ["servicemonitors"]
  verbs: ["get", "list", "watch", "create", "update", "patch", "delete"]
# Verification reads which pods back each server's Service (the operator's --verify-servers).
- apiGroups: ["discovery.k8s.io"]
  resources: ["endpointslices"]
  verbs: ["get", "list", "watch"]
# Events about what it did to each PlexMcpServer (both APIs: client libraries differ in which they use).
- apiGroups: [""]
  resources: ["events"]
  verbs: ["create", "patch"]
- apiGroups: ["events.k8s.io"]
  resources: ["events"]
  verbs: ["create", "patch"]
{{- end }}

{{/*
PromQL label matchers that select this release's operator metrics: the Prometheus Operator names the job after the
metrics Service (templates/service.yaml). The operator's metric names (reconcile_total, ...) are generic, so every
expression over them carries this selector.
*/}}
{{- define "plex-mcp-operator.metricsSelector" -}}
job="{{ include "plex-mcp-operator.fullname" . }}-metrics", namespace="{{ .Release.Namespace }}"
{{- end }}
