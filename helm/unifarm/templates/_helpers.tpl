{{/* Names and labels shared by every template. */}}

{{- define "unifarm.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* The release's object name: the release name alone when it already holds the chart's name. */}}
{{- define "unifarm.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "unifarm.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Selector labels: stable across upgrades (a Deployment's selector cannot change). */}}
{{- define "unifarm.selectorLabels" -}}
app.kubernetes.io/name: {{ include "unifarm.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "unifarm.labels" -}}
helm.sh/chart: {{ include "unifarm.chart" . }}
{{ include "unifarm.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: unifarm
{{- end -}}

{{- define "unifarm.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "unifarm.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "unifarm.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}

{{/* The Secret holding the API token, and whether the farm may start without it. */}}
{{- define "unifarm.apiTokenSecret" -}}
{{- default (printf "%s-api-token" (include "unifarm.fullname" .)) .Values.apiToken.existingSecret -}}
{{- end -}}

{{- define "unifarm.apiTokenOptional" -}}
{{- if or .Values.apiToken.existingSecret .Values.apiToken.value -}}false{{- else -}}true{{- end -}}
{{- end -}}

{{- define "unifarm.dataClaim" -}}
{{- default (printf "%s-data" (include "unifarm.fullname" .)) .Values.persistence.existingClaim -}}
{{- end -}}

{{/* A launcher Pod toleration as the farm reads it: key[=value][:Effect]. */}}
{{- define "unifarm.toleration" -}}
{{- .key -}}
{{- with .value }}={{ . }}{{ end -}}
{{- with .effect }}:{{ . }}{{ end -}}
{{- end -}}

{{/* One application.properties line; a backslash would start an escape there, so it is doubled. */}}
{{- define "unifarm.property" -}}
{{ index . 0 }}={{ index . 1 | toString | replace "\\" "\\\\" }}
{{- end -}}
