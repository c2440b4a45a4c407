//go:build tools

// Package kwoktools pins the kwok command that ../build.sh builds.
package kwoktools

import _ "sigs.k8s.io/kwok/cmd/kwok"
