package main

import (
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/qsgo/qsgo/types"
)

func init() { subcommands = append(subcommands, newPresignCmd) }

func newPresignCmd() *cobra.Command {
	var (
		expire = expireValue(time.Hour)
		method string
	)
	cmd := &cobra.Command{
		Use:   "presign qs://BUCKET/KEY",
		Short: "Print a presigned URL that anyone can use until it expires",
		Long: `Print a presigned URL for the object: GET (default) downloads it, PUT
uploads a new body (curl -T file URL), DELETE deletes it. Headers that were
signed and must be sent with the request are printed to standard error as
"header: Name: value" lines. -e/--expire takes a duration or, as qsctl's,
a number of seconds (default 1h, where qsctl's was 300 seconds).`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			a := appOf(cmd)
			l, err := mustRemote(args[0])
			if err != nil {
				return err
			}
			if l.isDir() {
				return usagef("presign: give an object key, not the directory %s", l)
			}
			if exp := time.Duration(expire); exp < time.Second || exp > 7*24*time.Hour {
				return usagef("presign --expire %s: must be between 1s and 168h", exp)
			}
			rem, err := a.remote()
			if err != nil {
				return err
			}
			s, err := rem.storage(l.Bucket)
			if err != nil {
				return err
			}
			signer, ok := s.(types.StorageHTTPSigner)
			if !ok {
				return usagef("presign: the %s service cannot presign requests", rem.typ)
			}
			ctx := cmd.Context()
			var req *http.Request
			switch strings.ToUpper(method) {
			case http.MethodGet:
				req, err = signer.QuerySignHTTPReadWithContext(ctx, l.Key, time.Duration(expire))
			case http.MethodPut:
				req, err = signer.QuerySignHTTPWriteWithContext(ctx, l.Key, 0, time.Duration(expire))
			case http.MethodDelete:
				req, err = signer.QuerySignHTTPDeleteWithContext(ctx, l.Key, time.Duration(expire))
			default:
				return usagef("presign --method %q: use GET, PUT or DELETE", method)
			}
			if err != nil {
				return wrapOp("presign", l.String(), err)
			}
			names := make([]string, 0, len(req.Header))
			for k := range req.Header {
				names = append(names, k)
			}
			sort.Strings(names)
			for _, k := range names {
				if strings.EqualFold(k, "Content-Length") {
					continue
				}
				fmt.Fprintf(a.stderr, "header: %s: %s\n", k, req.Header.Get(k))
			}
			fmt.Fprintln(a.stdout, req.URL.String())
			return nil
		},
	}
	cmd.Flags().VarP(&expire, "expire", "e", "how long the URL stays valid: a duration (30m, 24h) or seconds (300, as qsctl)")
	cmd.Flags().StringVar(&method, "method", "GET", "GET, PUT or DELETE")
	return cmd
}

// expireValue is a duration flag that also takes plain seconds.
type expireValue time.Duration

func (e *expireValue) String() string { return time.Duration(*e).String() }

func (e *expireValue) Type() string { return "duration" }

func (e *expireValue) Set(v string) error {
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		if n < 0 || n > int64(1<<62/time.Second) {
			return fmt.Errorf("%q seconds is out of range", v)
		}
		*e = expireValue(time.Duration(n) * time.Second)
		return nil
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		return fmt.Errorf("%q is neither seconds nor a duration such as 30m", v)
	}
	*e = expireValue(d)
	return nil
}
