//go:build tools

// Package helmtools pins the helm command that ../build.sh builds.
package helmtools

import (
	_ "helm.sh/helm/v3/cmd/helm"
)
