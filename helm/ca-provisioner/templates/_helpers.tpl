{{- define "cap.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "cap.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- .Values.serviceAccount.name | default (include "cap.fullname" .) -}}
{{- else -}}
{{- .Values.serviceAccount.name | default "default" -}}
{{- end -}}
{{- end -}}

{{- define "cap.selectorLabels" -}}
app.kubernetes.io/name: ca-provisioner
app.kubernetes.io/instance: {{ .Release.Name | quote }}
{{- end -}}

{{- define "cap.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "cap.selectorLabels" . }}
app.kubernetes.io/version: {{ .Values.image.tag | default .Chart.AppVersion | trunc 63 | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: ca-provisioner
{{- end -}}

{{/* Non-secret settings from values; empty ones are left to the Secret or the service's default. */}}
{{- define "cap.configEnv" -}}
{{- $c := .Values.config -}}
{{- $vars := dict
  "BASE_DOMAIN" $c.baseDomain
  "CA_DOCKER_IMAGE" $c.caDockerImage
  "CA_CERT_ISSUER" $c.caCertIssuer
  "STRIPE_LIVEMODE" $c.stripeLivemode
  "STRIPE_PRICE_PLANS" $c.stripePricePlans
  "DB_HOST" $c.dbHost
  "DB_PORT" (toString $c.dbPort)
  "DB_USER" $c.dbUser
  "GITOPS_REPO_URL" $c.gitopsRepoUrl
  "GITOPS_BRANCH" $c.gitopsBranch
  "GITOPS_WEB_URL" $c.gitopsWebUrl
  "GITOPS_FLAVOR" $c.gitopsFlavor
  "GIT_USERNAME" $c.gitUsername
  "HELM_CHART_REPO" $c.helmChartRepo
  "HELM_CHART_NAME" $c.helmChartName
  "HELM_CHART_VERSION" $c.helmChartVersion
  "HELM_CHART_PATH" $c.helmChartPath
  "ARGOCD_NAMESPACE" $c.argocdNamespace
  "TENANT_RETENTION_DAYS" (toString $c.tenantRetentionDays)
  "JOB_WORKERS" (toString $c.jobWorkers)
-}}
{{- range $name := keys $vars | sortAlpha }}
{{- with (get $vars $name) }}
- name: {{ $name }}
  value: {{ . | quote }}
{{- end }}
{{- end }}
{{- end -}}

{{/* The whole stop: preStop, the drain delay, 20 s of requests, 30 s of jobs, 10 s to close. */}}
{{- define "cap.drainBudgetSeconds" -}}
{{- add (int .Values.drain.preStopSeconds) (int .Values.drain.delaySeconds) 60 -}}
{{- end }}
