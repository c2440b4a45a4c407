{{- /*
The operator pod's tolerations (app.tolerations). quarkus-helm replaces only paths present in the generated Deployment,
and a placeholder toleration there would also reach the bundle's CSV, where OLM must create the Deployment from it (an
empty toleration is invalid: a toleration without a key must have operator Exists). So the tolerations are added after
the nodeSelector (see quarkus.helm.expressions.node-selector).
*/ -}}
{{- define "agent-operator.tolerations" -}}
{{- with .Values.app.tolerations }}
      tolerations: {{- toYaml . | nindent 8 }}
{{- end }}
{{- end }}
