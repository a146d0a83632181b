{{/*
The base name of every object: the release (ca-provisioner names it tenant-<id>).
*/}}
{{- define "ca.fullname" -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "ca.image" -}}
{{- printf "%s:%s" .Values.image.repository (.Values.image.tag | default .Chart.AppVersion) -}}
{{- end -}}

{{- define "ca.selectorLabels" -}}
app.kubernetes.io/name: collectiveaccess
app.kubernetes.io/instance: {{ .Release.Name | quote }}
{{- end -}}

{{- define "ca.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "ca.selectorLabels" . }}
app.kubernetes.io/version: {{ .Values.image.tag | default .Chart.AppVersion | trunc 63 | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: ca-provisioner
caprovisioner.io/tenant: {{ .Values.tenant.id | quote }}
caprovisioner.io/plan: {{ .Values.plan.name | quote }}
{{- end -}}

{{/* ReadWriteOnce: web and task queue share the volume, so they must share a node. */}}
{{- define "ca.sharedNode" -}}
{{- if eq .Values.storage.accessMode "ReadWriteOnce" }}true{{ end -}}
{{- end -}}

{{/*
The environment setup.php reads. Database settings and the administrator's e-mail come from
the Secrets the job runner creates; nothing secret is a literal here.
*/}}
{{- define "ca.env" -}}
- name: CA_DB_HOST
  valueFrom: {secretKeyRef: {name: {{ .Values.secrets.database | quote }}, key: host}}
- name: CA_DB_PORT
  valueFrom: {secretKeyRef: {name: {{ .Values.secrets.database | quote }}, key: port}}
- name: CA_DB_DATABASE
  valueFrom: {secretKeyRef: {name: {{ .Values.secrets.database | quote }}, key: database}}
- name: CA_DB_USER
  valueFrom: {secretKeyRef: {name: {{ .Values.secrets.database | quote }}, key: user}}
- name: CA_DB_PASSWORD
  valueFrom: {secretKeyRef: {name: {{ .Values.secrets.database | quote }}, key: password}}
- name: CA_ADMIN_EMAIL
  valueFrom: {secretKeyRef: {name: {{ .Values.secrets.admin | quote }}, key: email}}
- name: CA_APP_NAME
  value: {{ .Values.tenant.appName | quote }}
- name: CA_APP_DISPLAY_NAME
  value: {{ .Values.tenant.displayName | quote }}
- name: CA_SITE_HOSTNAME
  value: {{ .Values.domain | quote }}
- name: CA_SITE_PROTOCOL
  value: {{ .Values.ca.siteProtocol | quote }}
- name: CA_QUEUE_ENABLED
  value: {{ ternary "1" "0" .Values.ca.queueEnabled | quote }}
{{- end -}}

{{/* Where each persistent directory lives on the data volume and in the container. */}}
{{- define "ca.volumeMounts" -}}
- name: data
  subPath: {{ printf "media/%s" .Values.tenant.appName | quote }}
  mountPath: {{ printf "%s/media/%s" .Values.ca.root .Values.tenant.appName | quote }}
- name: data
  subPath: tmp
  mountPath: {{ printf "%s/app/tmp" .Values.ca.root | quote }}
- name: data
  subPath: conf-local
  mountPath: {{ printf "%s/app/conf/local" .Values.ca.root | quote }}
- name: data
  subPath: uploads
  mountPath: {{ printf "%s/uploads" .Values.ca.root | quote }}
- name: data
  subPath: import
  mountPath: {{ printf "%s/import" .Values.ca.root | quote }}
- name: setup
  subPath: setup.php
  mountPath: {{ .Values.ca.setupPhpPath | quote }}
  readOnly: true
{{- end -}}

{{- define "ca.volumes" -}}
- name: data
  persistentVolumeClaim:
    claimName: {{ printf "%s-media" (include "ca.fullname" .) }}
- name: setup
  configMap:
    name: {{ printf "%s-setup" (include "ca.fullname" .) }}
{{- end -}}

{{/*
Creates the sub-directories of a new volume as the site's user: directories that the kubelet
creates for a subPath belong to root and are not writable by a non-root process.
*/}}
{{- define "ca.initContainer" -}}
- name: prepare-volume
  image: {{ include "ca.image" . | quote }}
  imagePullPolicy: {{ .Values.image.pullPolicy }}
  command:
    - mkdir
    - -p
    - {{ printf "/data/media/%s" .Values.tenant.appName | quote }}
    - /data/tmp
    - /data/conf-local
    - /data/uploads
    - /data/import
  securityContext:
    {{- include "ca.containerSecurityContext" . | nindent 4 }}
  resources:
    requests: {cpu: 10m, memory: 16Mi}
    limits: {cpu: 100m, memory: 64Mi}
  volumeMounts:
    - name: data
      mountPath: /data
{{- end -}}

{{- define "ca.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: {{ .Values.securityContext.runAsUser }}
runAsGroup: {{ .Values.securityContext.runAsGroup }}
fsGroup: {{ .Values.securityContext.fsGroup }}
fsGroupChangePolicy: OnRootMismatch
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{- define "ca.containerSecurityContext" -}}
allowPrivilegeEscalation: false
privileged: false
readOnlyRootFilesystem: {{ .Values.securityContext.readOnlyRootFilesystem }}
capabilities:
  drop: [ALL]
{{- end -}}

{{- define "ca.scheduling" -}}
{{- with .Values.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}
