// Command xfer performs one large transfer against a QingStor endpoint, for
// the benchmark scripts of bench/ that time it (wall clock, CPU, peak RSS)
// as a process of its own, beside other clients doing the same transfer.
//
//	xfer -mode MODE -bucket B -key K -file PATH
//
// Modes:
//
//	put           one streaming qsapi PutObject of the open file (the baseline)
//	write         services/qingstor Storage.Write of the open file (default settings)
//	write-verify  the same with verify_content (per-part Content-MD5, MD5 ETag)
//	get           one qsapi GetObject copied into the file (the baseline)
//	read          services/qingstor Storage.Read into the file (parallel ranges)
//
// The endpoint and keys come from QINGSTOR_HOST, QINGSTOR_PORT,
// QINGSTOR_PROTOCOL, QINGSTOR_ACCESS_KEY_ID and QINGSTOR_SECRET_ACCESS_KEY.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"

	ps "github.com/qsgo/qsgo/pairs"
	"github.com/qsgo/qsgo/qsapi"
	"github.com/qsgo/qsgo/services/qingstor"
	"github.com/qsgo/qsgo/types"
)

// partSize is the -part-size flag.
var partSize int64

func main() {
	mode := flag.String("mode", "", "put, write, write-verify, get or read")
	bucket := flag.String("bucket", "", "bucket")
	key := flag.String("key", "", "object key")
	file := flag.String("file", "", "local file: the source of uploads, the destination of downloads")
	flag.Int64Var(&partSize, "part-size", 0, "part_size of the storage modes (0: the default)")
	flag.Parse()
	if err := run(context.Background(), *mode, *bucket, *key, *file); err != nil {
		fmt.Fprintln(os.Stderr, "xfer:", err)
		os.Exit(1)
	}
}

// run does the transfer of mode.
func run(ctx context.Context, mode, bucket, key, file string) error {
	host, proto := os.Getenv("QINGSTOR_HOST"), os.Getenv("QINGSTOR_PROTOCOL")
	port, err := strconv.Atoi(os.Getenv("QINGSTOR_PORT"))
	if err != nil || host == "" || proto == "" {
		return errors.New("set QINGSTOR_HOST, QINGSTOR_PORT and QINGSTOR_PROTOCOL")
	}
	ak, sk := os.Getenv("QINGSTOR_ACCESS_KEY_ID"), os.Getenv("QINGSTOR_SECRET_ACCESS_KEY")
	switch mode {
	case "put", "get":
		c, err := qsapi.New(qsapi.Options{Protocol: proto, Host: host, Port: port, AccessKeyID: ak, SecretAccessKey: sk})
		if err != nil {
			return err
		}
		if mode == "put" {
			return put(ctx, c, bucket, key, file)
		}
		return get(ctx, c, bucket, key, file)
	case "write", "write-verify", "read":
		st, err := qingstor.NewStorager(ps.WithCredential("hmac:"+ak+":"+sk),
			ps.WithEndpoint(proto+":"+host+":"+strconv.Itoa(port)), ps.WithName(bucket))
		if err != nil {
			return err
		}
		if mode == "read" {
			return read(ctx, st, key, file, partSize)
		}
		var extra []types.Pair
		if partSize > 0 {
			extra = append(extra, qingstor.WithPartSize(partSize))
		}
		if mode == "write-verify" {
			extra = append(extra, qingstor.WithVerifyContent())
		}
		return write(ctx, st, key, file, extra)
	}
	return fmt.Errorf("unknown mode %q", mode)
}

// openSized opens file and returns it with its size.
func openSized(file string) (*os.File, int64, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, 0, err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, 0, err
	}
	return f, fi.Size(), nil
}

func put(ctx context.Context, c *qsapi.Client, bucket, key, file string) error {
	f, size, err := openSized(file)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = c.PutObject(ctx, bucket, key, f, &qsapi.PutObjectInput{ContentLength: size})
	return err
}

func write(ctx context.Context, st types.Storager, key, file string, extra []types.Pair) error {
	f, size, err := openSized(file)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = st.WriteWithContext(ctx, key, f, size, extra...)
	return err
}

func get(ctx context.Context, c *qsapi.Client, bucket, key, file string) error {
	out, err := c.GetObject(ctx, bucket, key, nil)
	if err != nil {
		return err
	}
	defer out.Body.Close()
	f, err := os.Create(file)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, out.Body); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func read(ctx context.Context, st types.Storager, key, file string, partSize int64) error {
	f, err := os.Create(file)
	if err != nil {
		return err
	}
	var extra []types.Pair
	if partSize > 0 {
		extra = append(extra, qingstor.WithPartSize(partSize))
	}
	if _, err := st.ReadWithContext(ctx, key, f, extra...); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
