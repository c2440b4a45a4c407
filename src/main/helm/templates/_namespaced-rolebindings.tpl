{{- /*
With app.rbac.clusterWide=false, the operator's ClusterRoles are granted only in app.rbac.namespaces, through
RoleBindings there instead of ClusterRoleBindings. quarkus-helm cannot add a manifest file of our own, so this
helper is included at the end of the generated rolebinding.yaml (see quarkus.helm.expressions.namespaced-rbac).
*/ -}}
{{- define "agent-operator.namespacedRoleBindings" -}}
{{- if not .Values.app.rbac.clusterWide }}
{{- range $namespace := .Values.app.rbac.namespaces }}
{{- range $role := list "agentrun-cluster-role" "agentprovider-cluster-role" "agentconfig-cluster-role" "agentpolicy-cluster-role" }}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: {{ $role }}-binding
  namespace: {{ $namespace }}
  labels:
    app.kubernetes.io/name: agent-operator
roleRef:
  kind: ClusterRole
  apiGroup: rbac.authorization.k8s.io
  name: {{ $role }}
subjects:
  - kind: ServiceAccount
    name: agent-operator
    namespace: {{ $.Release.Namespace }}
{{- end }}
{{- end }}
{{- end }}
{{- end }}
