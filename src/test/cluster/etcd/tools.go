//go:build tools

// Package etcdtools pins the etcd server that ../build.sh builds.
package etcdtools

import _ "go.etcd.io/etcd/server/v3"
