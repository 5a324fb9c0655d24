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
	flags configFlags
	debug bool
	quiet bool

	stdin          io.Reader
	stdout, stderr io.Writer
	log            *slog.Logger

	// ran is set when a command's RunE starts: an error before that is a
	// usage error (unknown command or flag, wrong arguments).
	ran bool

	mu    sync.Mutex
	rem   *remote
	outMu sync.Mutex
	// prog is the progress display of the running transfer, if any.
	prog *progress
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

// newRootCmd builds the qs command tree with the process's standard
// streams.
func newRootCmd() *cobra.Command {
	root, _ := newRoot(nil, nil, nil)
	return root
}

// newRoot builds the qs command tree and its app. Nil streams leave
// cobra's defaults (the process's streams).
func newRoot(stdin io.Reader, stdout, stderr io.Writer) (*cobra.Command, *app) {
	a := &app{stdin: stdin, stdout: stdout, stderr: stderr}
	root := &cobra.Command{
		Use:   "qs",
		Short: "QingStor object storage from the command line, and a local QingStor-compatible server",
		Long: `qs works with QingStor object storage through qs://bucket/key URLs.

It reads ~/.qingstor/config.yaml (or ~/.config/qingstor/config.yaml, or the
file named by QINGSTOR_CONFIG_PATH or --config), then the QINGSTOR_*
environment variables, then the flags below. "qs serve" runs a local
QingStor-compatible server and prints the configuration that points qs at it;
"qs demo" runs the whole API against an in-process server.`,
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRun: func(cmd *cobra.Command, _ []string) {
			a := appOf(cmd)
			a.stdin, a.stdout, a.stderr = cmd.InOrStdin(), cmd.OutOrStdout(), cmd.ErrOrStderr()
			level := slog.LevelWarn
			if a.debug {
				level = slog.LevelDebug
			}
			a.log = slog.New(slog.NewTextHandler(a.stderr, &slog.HandlerOptions{Level: level}))
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
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	pf := root.PersistentFlags()
	f := &a.flags
	pf.StringVar(&f.configPath, "config", "", "QingStor configuration file (default ~/.qingstor/config.yaml, $QINGSTOR_CONFIG_PATH)")
	pf.StringVar(&f.connectionString, "connection-string", "", "go-storage connection string, e.g. qingstor://?credential=hmac:AK:SK&endpoint=http:127.0.0.1:9000 (replaces the configuration)")
	pf.StringVar(&f.accessKeyID, "access-key-id", "", "access key id (default $QINGSTOR_ACCESS_KEY_ID)")
	pf.StringVar(&f.secretAccessKey, "secret-access-key", "", "secret access key (default $QINGSTOR_SECRET_ACCESS_KEY)")
	pf.StringVar(&f.host, "host", "", "QingStor host (default qingstor.com)")
	pf.IntVar(&f.port, "port", 0, "port (default 443 for https, 80 for http)")
	pf.StringVar(&f.protocol, "protocol", "", "http or https (default https)")
	pf.StringVar(&f.zone, "zone", "", "zone, e.g. pek3b (found automatically when empty)")
	pf.BoolVar(&f.virtualHostStyle, "enable-virtual-host-style", false, "put the bucket into the host name")
	pf.BoolVar(&f.disableCleaning, "disable-uri-cleaning", false, "keep runs of '/' in keys")
	pf.BoolVar(&a.debug, "debug", false, "log every request (secrets removed) to stderr")
	pf.BoolVarP(&a.quiet, "quiet", "q", false, "print no progress and no per-file lines")
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
