//go:build tools

// Package olmruntime pins what ../olm.sh needs to install a bundle through OLM on tier 4's real node, all built by
// ../build.sh: OLM's two operators (olm, catalog) and the bundle unpacker's helpers (cpb, copy-content), opm (catalogs
// and the catalog's gRPC server), grpc_health_probe (the catalog pod's probes) and a container registry.
package olmruntime

import (
	_ "github.com/distribution/distribution/v3/cmd/registry"
	_ "github.com/grpc-ecosystem/grpc-health-probe"
	_ "github.com/operator-framework/operator-lifecycle-manager/cmd/catalog"
	_ "github.com/operator-framework/operator-lifecycle-manager/cmd/copy-content"
	_ "github.com/operator-framework/operator-lifecycle-manager/cmd/olm"
	_ "github.com/operator-framework/operator-lifecycle-manager/util/cpb"
	_ "github.com/operator-framework/operator-registry/cmd/opm"
)
