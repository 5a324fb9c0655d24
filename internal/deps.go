//go:build deps

// Package internal holds code no user should import. This file pins the
// third-party modules the project has chosen (see DESIGN.md) so that go.mod
// lists them before every package that needs them exists; it is never built.
package internal

import (
	_ "github.com/google/go-cmp/cmp"
	_ "github.com/google/uuid"
	_ "github.com/rogpeppe/go-internal/testscript"
	_ "github.com/spf13/cobra"
	_ "github.com/vbauerster/mpb/v8"
	_ "go.etcd.io/bbolt"
	_ "go.uber.org/goleak"
	_ "golang.org/x/sync/errgroup"
	_ "gopkg.in/yaml.v3"
)
