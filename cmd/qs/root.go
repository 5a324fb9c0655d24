package main

import (
	"io"
	"log/slog"
	"sync"

	"github.com/spf13/cobra"
)

// subcommands lists the constructors of qs's subcommands; each command's
// file adds itself from an init function, so commands stay one file each.
var subcommands []func() *cobra.Command

// app is the state one qs invocation shares between its commands: global
// flags, standard streams, the configuration and the open storages.
type app struct {
	flags   configFlags
	debug   bool
	quiet   bool
	verbose bool

	stdin          io.Reader
	stdout, stderr io.Writer
	log            *slog.Logger
	// level is the level of log: --debug, else the configuration's
	// log_level, else warn.
	level slog.LevelVar

	// ran is set when a command's RunE starts: an error before that is a
	// usage error (unknown command or flag, wrong arguments).
	ran bool

	mu    sync.Mutex
	rem   *remote
	outMu sync.Mutex
	// prog is the progress display of the running transfer, if any.
	prog *progress
	// skippedLinks counts the symbolic links walks skipped (see links).
	skippedLinks int
}

// apps maps each root command to its app (see appOf).
var apps sync.Map

// appOf returns the app of cmd's command tree and marks the command as
// running.
func appOf(cmd *cobra.Command) *app {
	v, _ := apps.Load(cmd.Root())
	a := v.(*app)
	a.ran = true
	return a
}

// newRoot builds the qs command tree and its app. Nil streams leave
// cobra's defaults (the process's streams).
func newRoot(stdin io.Reader, stdout, stderr io.Writer) (*cobra.Command, *app) {
	a := &app{stdin: stdin, stdout: stdout, stderr: stderr}
	root := &cobra.Command{
		Use:   "qs",
		Short: "QingStor object storage from the command line, and a local QingStor-compatible server",
		Long: `qs works with QingStor object storage through qs://bucket/key URLs.

Configuration, each layer overriding the one before:
  1. one file: -c/--config, else $QINGSTOR_CONFIG_PATH (either must exist),
     else the first of ~/.qingstor/config.yaml, ~/.config/qingstor/config.yaml
     ($XDG_CONFIG_HOME/qingstor/config.yaml when XDG_CONFIG_HOME is set) and
     /etc/qingstor/config.yaml (as qsctl);
     keys: access_key_id, secret_access_key, host (qingstor.com), port (443
     or 80), protocol (https), zone, enable_virtual_host_style,
     disable_uri_cleaning, connection_retries, log_level (debug, info, warn,
     error, fatal; default warn);
  2. environment: QINGSTOR_ACCESS_KEY_ID, QINGSTOR_SECRET_ACCESS_KEY,
     QINGSTOR_HOST, QINGSTOR_PORT, QINGSTOR_PROTOCOL, QINGSTOR_ZONE,
     QINGSTOR_ENABLE_VIRTUAL_HOST_STYLE, QINGSTOR_DISABLE_URI_CLEANING,
     QINGSTOR_LOG_LEVEL; qsctl's QSCTL_ACCESS_KEY_ID, QSCTL_SECRET_ACCESS_KEY,
     QSCTL_HOST, QSCTL_PORT, QSCTL_PROTOCOL and QSCTL_ZONE where the QINGSTOR_
     twin is unset;
  3. the flags below.
A go-storage connection string (--connection-string or
QINGSTOR_CONNECTION_STRING) replaces the file and the keys.

Recursive commands (ls -R, rm -r, cp -r, mv -r, sync) take a key without a
trailing "/" as the directory: qs://b/logs means qs://b/logs/ and never
touches qs://b/logs-archive/ or qs://b/logsheet.csv. They accept the same
filters (--include, --exclude, --include-from, --exclude-from; see
"qs sync --help").

"qs serve" runs a local QingStor-compatible server and prints the
configuration that points qs at it; "qs demo" runs the whole API against an
in-process server.`,
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       readVersion().short(),
		PersistentPreRun: func(cmd *cobra.Command, _ []string) {
			a := appOf(cmd)
			a.stdin, a.stdout, a.stderr = cmd.InOrStdin(), cmd.OutOrStdout(), cmd.ErrOrStderr()
			// Warnings by default; log_level from the configuration may
			// change it when the configuration is loaded, --debug wins.
			a.level.Set(slog.LevelWarn)
			if a.debug {
				a.level.Set(slog.LevelDebug)
			}
			a.log = slog.New(slog.NewTextHandler(a.stderr, &slog.HandlerOptions{Level: &a.level}))
		},
	}
	if stdin != nil {
		root.SetIn(stdin)
	}
	if stdout != nil {
		root.SetOut(stdout)
	}
	if stderr != nil {
		root.SetErr(stderr)
	}
	root.SetVersionTemplate("qs {{.Version}}\n")
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	pf := root.PersistentFlags()
	f := &a.flags
	pf.StringVarP(&f.configPath, "config", "c", "", "QingStor configuration file (default ~/.qingstor/config.yaml, $QINGSTOR_CONFIG_PATH)")
	pf.StringVar(&f.connectionString, "connection-string", "", "go-storage connection string, e.g. qingstor://?credential=hmac:AK:SK&endpoint=http:127.0.0.1:9000 (replaces the configuration)")
	pf.StringVar(&f.accessKeyID, "access-key-id", "", "access key id (default $QINGSTOR_ACCESS_KEY_ID)")
	pf.StringVar(&f.secretAccessKey, "secret-access-key", "", "secret access key (default $QINGSTOR_SECRET_ACCESS_KEY)")
	pf.StringVar(&f.host, "host", "", "QingStor host (default qingstor.com)")
	pf.IntVar(&f.port, "port", 0, "port (default 443 for https, 80 for http)")
	pf.StringVar(&f.protocol, "protocol", "", "http or https (default https)")
	pf.StringVarP(&f.zone, "zone", "z", "", "zone, e.g. pek3b (found automatically when empty)")
	pf.BoolVar(&f.virtualHostStyle, "enable-virtual-host-style", false, "put the bucket into the host name")
	pf.BoolVar(&f.disableCleaning, "disable-uri-cleaning", false, "keep runs of '/' in keys")
	pf.BoolVar(&a.debug, "debug", false, "log every request (secrets removed) to stderr; same as log_level: debug")
	pf.BoolVarP(&a.quiet, "quiet", "q", false, "print no progress and no per-file lines")
	pf.BoolVarP(&a.verbose, "verbose", "v", false, "say more: name each path that filters exclude")
	f.set = func(name string) bool { return pf.Changed(name) }
	apps.Store(root, a)
	for _, fn := range subcommands {
		root.AddCommand(fn())
	}
	return root, a
}

// close releases what the invocation opened and forgets the app.
func (a *app) close() {
	apps.Range(func(k, v any) bool {
		if v == a {
			apps.Delete(k)
		}
		return true
	})
}
