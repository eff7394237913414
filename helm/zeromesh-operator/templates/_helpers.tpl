{{/*
Chart name, or nameOverride. Kubernetes names and label values stop at 63 characters.
*/}}
{{- define "zeromesh-operator.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Full name of the release's objects: fullnameOverride, else the release name when it already
contains the chart name, else "<release>-<chart>"; truncated to 63 characters.
*/}}
{{- define "zeromesh-operator.fullname" -}}
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

{{/*
Chart name and version, for the helm.sh/chart label.
*/}}
{{- define "zeromesh-operator.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Labels every object of the release carries.
*/}}
{{- define "zeromesh-operator.labels" -}}
helm.sh/chart: {{ include "zeromesh-operator.chart" . }}
{{ include "zeromesh-operator.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/component: operator
app.kubernetes.io/part-of: zeromesh
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/*
Labels that select the operator pods; they never change across upgrades.
*/}}
{{- define "zeromesh-operator.selectorLabels" -}}
app.kubernetes.io/name: {{ include "zeromesh-operator.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/*
Name of the operator's ServiceAccount.
*/}}
{{- define "zeromesh-operator.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "zeromesh-operator.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/*
Image reference "repository:tag", the tag defaulting to the chart's appVersion.
Call with (dict "image" .Values.image "context" $).
*/}}
{{- define "zeromesh-operator.imageRef" -}}
{{- printf "%s:%s" .image.repository (default .context.Chart.AppVersion .image.tag) }}
{{- end }}

{{/*
Name of a derived object: the full name truncated so that "-<suffix>" still fits in 63 characters.
Call with (list $ "suffix").
*/}}
{{- define "zeromesh-operator.suffixedName" -}}
{{- $ctx := index . 0 }}
{{- $suffix := index . 1 }}
{{- printf "%s-%s" (include "zeromesh-operator.fullname" $ctx | trunc (int (sub 62 (len $suffix))) | trimSuffix "-") $suffix }}
{{- end }}

{{/*
Watched namespaces as QUARKUS_OPERATOR_SDK_NAMESPACES expects them: comma separated, or
JOSDK_ALL_NAMESPACES when the list is empty.
*/}}
{{- define "zeromesh-operator.watchNamespaces" -}}
{{- if .Values.watchNamespaces }}
{{- join "," (uniq .Values.watchNamespaces) }}
{{- else }}
{{- print "JOSDK_ALL_NAMESPACES" }}
{{- end }}
{{- end }}

{{/*
What the operator may do with the resources of a namespace it watches. Rendered into the
ClusterRole (all namespaces) or into a Role per watched namespace. Exactly the RBAC the operator's
build generates from its reconcilers (operator/target/kubernetes/kubernetes.yml): RbacCoverageTest
fails when this grants less, or more.
*/}}
{{- define "zeromesh-operator.namespacedRules" -}}
- apiGroups: ["zeromesh.io"]
  resources:
    - zmqbrokers
    - zmqbrokers/status
    - zmqbrokers/finalizers
    - zmqforwarders
    - zmqforwarders/status
    - zmqforwarders/finalizers
    - zmqpipelinestages
    - zmqpipelinestages/status
    - zmqpipelinestages/finalizers
  verbs: ["get", "list", "watch", "create", "update", "patch", "delete"]
- apiGroups: ["apps"]
  resources: ["deployments"]
  verbs: ["get", "list", "watch", "create", "update", "patch", "delete"]
- apiGroups: [""]
  resources: ["services", "secrets"]
  verbs: ["get", "list", "watch", "create", "update", "patch", "delete"]
- apiGroups: ["policy"]
  resources: ["poddisruptionbudgets"]
  verbs: ["get", "list", "watch", "create", "update", "patch", "delete"]
- apiGroups: ["networking.k8s.io"]
  resources: ["networkpolicies"]
  verbs: ["get", "list", "watch", "create", "update", "patch", "delete"]
- apiGroups: [""]
  resources: ["events"]
  verbs: ["create", "patch"]
{{- end }}
