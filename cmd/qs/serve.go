package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/qsgo/qsgo/qslocal"
	"github.com/qsgo/qsgo/qslocal/console"
	"github.com/spf13/cobra"
)

func init() { subcommands = append(subcommands, newServeCmd) }

// serveFlags are the flags of "qs serve".
type serveFlags struct {
	addr, data, zone, baseDomain string
	accessKeyID, secretAccessKey string
	credentialsFile              string
	logLevel, logFormat          string
	consoleAddr                  string
	requestLogSize               int
	transferWindow               time.Duration
	minTransferRate              int64
}

func newServeCmd() *cobra.Command {
	var f serveFlags
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run a local QingStor-compatible server (qslocal)",
		Long: `Run qslocal, a local QingStor-compatible object storage server.

Keys come from --access-key-id/--secret-access-key, else from
QINGSTOR_ACCESS_KEY_ID/QINGSTOR_SECRET_ACCESS_KEY, else from --credentials
(a YAML file: ~/.qingstor/config.yaml style, or a "credentials:" list of
access_key_id/secret_access_key pairs); with none of these a key pair is
generated and printed. The server is ready when it prints its endpoint.
SIGINT or SIGTERM stops it gracefully.

With --console-addr a web console is served there as well: log in with the
server's access key id and secret to browse buckets, objects and unfinished
uploads, upload and delete, make presigned links, and read the request log
(every refused signature with the string to sign the server computed).
Prometheus metrics are at /metrics on the same address. Keep the console on
a loopback address: anything else prints a warning.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runServe(cmd.Context(), cmd.OutOrStdout(), cmd.ErrOrStderr(), f)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.addr, "addr", "127.0.0.1:9000", "listen address (host:port)")
	fl.StringVar(&f.data, "data", defaultDataDir(), "data directory (metadata and object files)")
	fl.StringVar(&f.zone, "zone", qslocal.DefaultZone, "zone of the buckets this server holds")
	fl.StringVar(&f.baseDomain, "base-domain", qslocal.DefaultBaseDomain, "base domain for zone and virtual-host style host names")
	fl.StringVar(&f.accessKeyID, "access-key-id", "", "access key id (default: $QINGSTOR_ACCESS_KEY_ID, or generated)")
	fl.StringVar(&f.secretAccessKey, "secret-access-key", "", "secret access key (default: $QINGSTOR_SECRET_ACCESS_KEY, or generated)")
	fl.StringVar(&f.credentialsFile, "credentials", "", "YAML file with access keys")
	fl.StringVar(&f.logLevel, "log-level", "info", "log level: debug, info, warn, error")
	fl.StringVar(&f.logFormat, "log-format", "text", "log format: text, or json (one JSON object per line: every request with its status, error code, bytes, duration, access key id, and for a refused signature the server's string to sign)")
	fl.StringVar(&f.consoleAddr, "console-addr", "", "serve the web console (buckets, objects, uploads, request log, /metrics) on this address, e.g. 127.0.0.1:9001 (off when empty)")
	fl.DurationVar(&f.transferWindow, "transfer-window", qslocal.DefaultTransferWindow, "slow clients: in each such window a request body or response must move at least --min-transfer-rate × window bytes, else the connection is closed (0 disables)")
	fl.Int64Var(&f.minTransferRate, "min-transfer-rate", qslocal.DefaultMinTransferRate, "slow clients: minimum bytes per second, averaged over each --transfer-window")
	fl.IntVar(&f.requestLogSize, "request-log-size", console.DefaultLogSize, "number of recent requests the console's request log keeps")
	return cmd
}

// defaultDataDir is $XDG_DATA_HOME/qsgo/qslocal, else ~/.local/share/qsgo/qslocal.
func defaultDataDir() string {
	if d := os.Getenv("XDG_DATA_HOME"); d != "" {
		return filepath.Join(d, "qsgo", "qslocal")
	}
	if h, err := os.UserHomeDir(); err == nil {
		return filepath.Join(h, ".local", "share", "qsgo", "qslocal")
	}
	return filepath.Join(os.TempDir(), "qsgo-qslocal")
}

// serveCredentials picks the keys: flags, then environment, then file,
// then a generated pair.
func serveCredentials(f serveFlags) (map[string]string, error) {
	ak, sk := f.accessKeyID, f.secretAccessKey
	if ak == "" && sk == "" {
		ak, sk = os.Getenv("QINGSTOR_ACCESS_KEY_ID"), os.Getenv("QINGSTOR_SECRET_ACCESS_KEY")
	}
	if (ak == "") != (sk == "") {
		return nil, errors.New("qs serve: give both the access key id and the secret access key, or neither")
	}
	creds := map[string]string{}
	if f.credentialsFile != "" {
		m, err := qslocal.LoadCredentialsFile(f.credentialsFile)
		if err != nil {
			return nil, err
		}
		creds = m
	}
	if ak != "" {
		creds[ak] = sk
	}
	if len(creds) == 0 {
		ak, sk = qslocal.GenerateCredentials()
		creds[ak] = sk
	}
	return creds, nil
}

func runServe(ctx context.Context, stdout, stderr io.Writer, f serveFlags) error {
	var level slog.Level
	if err := level.UnmarshalText([]byte(f.logLevel)); err != nil {
		return fmt.Errorf("qs serve: --log-level: %w", err)
	}
	creds, err := serveCredentials(f)
	if err != nil {
		return err
	}
	if ctx == nil {
		ctx = context.Background()
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	logger, err := serveLogger(stderr, f.logFormat, level)
	if err != nil {
		return err
	}
	if f.consoleAddr != "" && f.requestLogSize <= 0 {
		return errors.New("qs serve: --request-log-size must be positive")
	}
	reqLog := console.NewRequestLog(f.requestLogSize)
	// Start gets no cancellable context: the stop below is ours, with our
	// grace period.
	opts := qslocal.Options{Addr: f.addr, DataDir: f.data, Zone: f.zone,
		BaseDomain: f.baseDomain, Credentials: creds, Logger: logger,
		TransferWindow: f.transferWindow, MinTransferRate: f.minTransferRate}
	if f.transferWindow < 0 || f.transferWindow > 0 && f.minTransferRate <= 0 {
		return errors.New("qs serve: --transfer-window must be >= 0 and --min-transfer-rate > 0")
	}
	if f.transferWindow == 0 {
		opts.TransferWindow = -1 // disabled
	}
	if f.consoleAddr != "" {
		opts.Observe = reqLog.Observe
	}
	rn, err := qslocal.Start(context.Background(), opts)
	if err != nil {
		return err
	}
	var con *console.Running
	if f.consoleAddr != "" {
		if con, err = startConsole(stderr, f.consoleAddr, rn, reqLog, logger); err != nil {
			rn.Shutdown(context.Background())
			return fmt.Errorf("qs serve: %w", err)
		}
		defer con.Shutdown(context.Background())
	}
	consoleURL := ""
	if con != nil {
		consoleURL = con.URL
	}
	printBanner(stdout, rn, f.data, consoleURL)
	logger.Info("qslocal ready", "endpoint", rn.Endpoint, "access_key_id", rn.AccessKeyID, "zone", rn.Zone, "data", f.data)
	select {
	case <-ctx.Done():
	case err := <-serveDone(rn):
		// the listener failed on its own: nothing to drain
		rn.Shutdown(context.Background())
		return fmt.Errorf("qs serve: %w", err)
	}
	logger.Info("qslocal shutting down: finishing requests in flight")
	// Shutdown waits for requests in flight (up to shutdownGrace) and
	// closes the store, so nothing acknowledged is lost when we return.
	sctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := rn.Shutdown(sctx); err != nil {
		return fmt.Errorf("qs serve: shutdown: %w", err)
	}
	if err := rn.Wait(); err != nil {
		return fmt.Errorf("qs serve: %w", err)
	}
	logger.Info("qslocal stopped")
	return nil
}

// serveLogger is the server's logger in the chosen format.
func serveLogger(w io.Writer, format string, level slog.Level) (*slog.Logger, error) {
	ho := &slog.HandlerOptions{Level: level}
	switch format {
	case "text", "":
		return slog.New(slog.NewTextHandler(w, ho)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, ho)), nil
	}
	return nil, fmt.Errorf("qs serve: --log-format %q: want text or json", format)
}

// startConsole serves the web console beside rn, warning when it is
// reachable from other machines.
func startConsole(stderr io.Writer, addr string, rn *qslocal.Running, log *console.RequestLog, logger *slog.Logger) (*console.Running, error) {
	con, err := console.Start(context.Background(), console.Options{Server: rn.Server, Endpoint: rn.Endpoint,
		Log: log, Addr: addr, Logger: logger})
	if err != nil {
		return nil, fmt.Errorf("console: %w", err)
	}
	if !con.Loopback {
		fmt.Fprintf(stderr, "warning: the console listens on %s, beyond this machine: anyone who can reach it can try to log in; use a loopback address such as 127.0.0.1:9001\n", addr)
	}
	return con, nil
}

// shutdownGrace is how long a stopping server waits for requests in flight.
const shutdownGrace = 30 * time.Second

// serveDone reports the end of rn's HTTP server.
func serveDone(rn *qslocal.Running) <-chan error {
	ch := make(chan error, 1)
	go func() { ch <- rn.Wait() }()
	return ch
}

// printBanner prints what a client needs: endpoint, key, a connection
// string and the ~/.qingstor/config.yaml lines. The secret is printed to
// stdout on purpose (it is the user's own local server); it never goes to
// the log.
func printBanner(w io.Writer, rn *qslocal.Running, data, consoleURL string) {
	hostport := net.JoinHostPort(rn.Host, fmt.Sprint(rn.Port))
	fmt.Fprintf(w, "qslocal is serving QingStor at %s (zone %s, data in %s)\n\n", rn.Endpoint, rn.Zone, data)
	fmt.Fprintf(w, "access key id:     %s\nsecret access key: %s\n\n", rn.AccessKeyID, rn.SecretAccessKey)
	fmt.Fprintf(w, "connection string (put a bucket name after qingstor://, e.g. qingstor://mybucket/?...):\n")
	fmt.Fprintf(w, "  qingstor://?credential=hmac:%s:%s&endpoint=http:%s\n\n", rn.AccessKeyID, rn.SecretAccessKey, hostport)
	fmt.Fprintf(w, "~/.qingstor/config.yaml:\n")
	fmt.Fprintf(w, "  access_key_id: '%s'\n  secret_access_key: '%s'\n  host: '%s'\n  port: %d\n  protocol: 'http'\n  connection_retries: 3\n\n",
		rn.AccessKeyID, rn.SecretAccessKey, rn.Host, rn.Port)
	if consoleURL != "" {
		fmt.Fprintf(w, "console: %s (log in with the access key id and secret above)\n\n", consoleURL)
	}
	fmt.Fprintf(w, "ready; press Ctrl-C to stop\n")
}
