package main

import (
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/spf13/cobra"

	"github.com/qsgo/qsgo/qsapi"
)

func init() { subcommands = append(subcommands, newVersionCmd) }

// buildVersion is what qs knows about its own build.
type buildVersion struct {
	// version is the module version: the one "go install ...@vX" recorded,
	// else qsapi.Version (a build from a checkout records "(devel)").
	version string
	// commit and modified come from the VCS stamp of a build in a
	// checkout; empty when there was none.
	commit   string
	modified bool
	// goVersion is the Go toolchain that built qs.
	goVersion string
}

// readVersion reads the build information of the running binary.
func readVersion() buildVersion {
	v := buildVersion{version: "v" + qsapi.Version, goVersion: runtime.Version()}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return v
	}
	if mv := bi.Main.Version; mv != "" && mv != "(devel)" {
		v.version = mv
	}
	if bi.GoVersion != "" {
		v.goVersion = bi.GoVersion
	}
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			v.commit = s.Value
		case "vcs.modified":
			v.modified = s.Value == "true"
		}
	}
	return v
}

// short is the one-line form: "v0.1.0 (commit 1a2b3c4d5e6f, go1.24.1)".
func (v buildVersion) short() string {
	commit := "unknown"
	if v.commit != "" {
		commit = v.commit[:min(12, len(v.commit))]
		if v.modified {
			commit += "+modified"
		}
	}
	return fmt.Sprintf("%s (commit %s, %s)", v.version, commit, v.goVersion)
}

func newVersionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print qs's module version, commit and Go version (as --version)",
		Long: `Print the qsgo module version qs was built from (the version "go install"
recorded, else the version this source tree declares), the commit of a build
from a git checkout ("unknown" otherwise; "+modified" for uncommitted changes),
and the Go version that built it, from the binary's build information.`,
		Args: exactArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error {
			a := appOf(cmd)
			v := readVersion()
			commit := v.commit
			if commit == "" {
				commit = "unknown"
			} else if v.modified {
				commit += " (modified)"
			}
			fmt.Fprintf(a.stdout, "qs %s\ncommit: %s\ngo: %s %s/%s\n", v.version, commit, v.goVersion, runtime.GOOS, runtime.GOARCH)
			return nil
		},
	}
}
