//go:build tools

// Package olmtools pins the OLM bundle validator (operator-framework/api's operator-verify) that ../build.sh builds.
package olmtools

import (
	_ "github.com/operator-framework/api/cmd/operator-verify"
)
