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
What the operator may do in a namespace it reconciles, Secrets aside. Rendered into the
ClusterRole (all namespaces) or into a Role per watched namespace. Every rule says why the code
needs it; RbacCoverageTest fails when the chart grants less than the operator needs, or more.
*/}}
{{- define "zeromesh-operator.namespacedRules" -}}
# The three kinds: the reconcilers' informers (list, watch) and the reference lookups of forwarders
# and stages. Never written: no finalizer (no Cleaner), status goes through /status.
- apiGroups: ["zeromesh.io"]
  resources: ["zmqbrokers", "zmqforwarders", "zmqpipelinestages"]
  verbs: ["get", "list", "watch"]
# Status: UpdateControl.patchStatus, a server-side apply PATCH of the /status subresource.
- apiGroups: ["zeromesh.io"]
  resources: ["zmqbrokers/status", "zmqforwarders/status", "zmqpipelinestages/status"]
  verbs: ["patch"]
# Children's owner references set blockOwnerDeletion, which the OwnerReferencesPermissionEnforcement
# admission plugin (OpenShift) allows only with update on the owner's finalizers. None is ever set.
- apiGroups: ["zeromesh.io"]
  resources: ["zmqbrokers/finalizers", "zmqforwarders/finalizers", "zmqpipelinestages/finalizers"]
  verbs: ["update"]
# Device and worker Deployments and StatefulSets: dependents (informer, apply, delete when unwanted).
- apiGroups: ["apps"]
  resources: ["deployments", "statefulsets"]
  verbs: ["get", "list", "watch", "create", "update", "patch", "delete"]
# Frontend, backend and headless Services of a device: dependents.
- apiGroups: [""]
  resources: ["services"]
  verbs: ["get", "list", "watch", "create", "update", "patch", "delete"]
# Worker PodDisruptionBudgets, policy/v1 or (Kubernetes 1.20) policy/v1beta1: one group for both.
- apiGroups: ["policy"]
  resources: ["poddisruptionbudgets"]
  verbs: ["get", "list", "watch", "create", "update", "patch", "delete"]
# NetworkPolicy of a device (spec.networkPolicy): dependent, deleted when switched off.
- apiGroups: ["networking.k8s.io"]
  resources: ["networkpolicies"]
  verbs: ["get", "list", "watch", "create", "update", "patch", "delete"]
# Events on the resources (EventRecorder creates one per Ready change or rejected child).
- apiGroups: [""]
  resources: ["events"]
  verbs: ["create"]
{{- end }}

{{/*
"true" when the operator generates CURVE keypair Secrets (curve.generatedKeys; unset: only when
watchNamespaces lists namespaces), else empty.
*/}}
{{- define "zeromesh-operator.curveGeneratedKeys" -}}
{{- if kindIs "bool" .Values.curve.generatedKeys }}
{{- if .Values.curve.generatedKeys }}true{{ end }}
{{- else if .Values.watchNamespaces }}true
{{- end }}
{{- end }}

{{/*
"true" when the operator reads the CURVE Secrets resources name (curve.readSecrets; unset: only
when watchNamespaces lists namespaces), else empty.
*/}}
{{- define "zeromesh-operator.curveReadSecrets" -}}
{{- if kindIs "bool" .Values.curve.readSecrets }}
{{- if .Values.curve.readSecrets }}true{{ end }}
{{- else if .Values.watchNamespaces }}true
{{- end }}
{{- end }}

{{/*
Secrets, kept apart so that they are granted only where needed: in each watched namespace's Role,
or (all namespaces) in their own ClusterRole; empty (no rule, no such ClusterRole) unless a curve
option asks for them, as in the all-namespaces default. Exactly the calls the code makes. Only when
the operator reads the Secrets resources name (curve.readSecrets): get, by name. Only when it
generates keypairs (curve.generatedKeys): list and watch feed the informer of generated keypair
Secrets (label-selected: it caches only the operator's own); get reads one before that informer
has it; create and patch are the server-side apply of a generated keypair; delete removes it when
CURVE is switched off. No update: dependents write with server-side apply. Without generated keys
the operator starts no Secret informer; with neither option it makes no Secret call at all.
*/}}
{{- define "zeromesh-operator.secretRules" -}}
{{- if include "zeromesh-operator.curveReadSecrets" . }}
# CURVE keys (curve.readSecrets): get the Secrets resources name, to check them and roll pods on a change.
- apiGroups: [""]
  resources: ["secrets"]
  verbs: ["get"]
{{- end }}
{{- if include "zeromesh-operator.curveGeneratedKeys" . }}
# Generated CURVE keypairs (curve.generatedKeys): informer (list, watch), get before it syncs, apply, delete.
- apiGroups: [""]
  resources: ["secrets"]
  verbs: ["get", "list", "watch", "create", "patch", "delete"]
{{- end }}
{{- end }}

{{/*
"true" when extraEnv turns on the Quarkus Operator SDK's startup check of the CRDs
(QUARKUS_OPERATOR_SDK_CRD_VALIDATE=true), which needs read access to CustomResourceDefinitions.
*/}}
{{- define "zeromesh-operator.crdValidate" -}}
{{- range .Values.extraEnv }}
{{- if and (eq .name "QUARKUS_OPERATOR_SDK_CRD_VALIDATE") (eq (toString .value | lower) "true") }}true{{ end }}
{{- end }}
{{- end }}
