package main

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/qsgo/qsgo/types"
)

func init() { subcommands = append(subcommands, newStatCmd) }

func newStatCmd() *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "stat qs://BUCKET/KEY",
		Short: "Show an object's size, type, ETag, time and storage class",
		Long: `Show what the server knows about an object. --format prints a custom line
instead, with these directives:

  %N  the URL            %k  the key           %s  size in bytes
  %S  size, human         %t  content type      %e  ETag
  %m  last modified (RFC 3339)                  %u  last modified (Unix seconds)
  %c  storage class       %x  SSE-C algorithm (empty if not encrypted)
  %M  mode (read, append, ...)                  %%  a percent sign

and qsctl's:

  %n  the key (name)      %F  content type      %h  ETag without quotes (the
  %s  size in bytes       %Y  last modified (Unix seconds)    MD5, if plain)
  %y  last modified, as qsctl printed it: 2006-01-02 15:04:05 +0000 UTC

A newline is printed after the format; \n and \t are understood. (%n was
the URL before qsctl's directives were added; the URL is now %N.)`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			a := appOf(cmd)
			l, err := mustRemote(args[0])
			if err != nil {
				return err
			}
			if l.Key == "" {
				return usagef("stat: %s names a bucket; give an object key", l)
			}
			s, err := a.storage(l.Bucket)
			if err != nil {
				return err
			}
			o, err := s.StatWithContext(cmd.Context(), l.Key)
			if err != nil {
				return wrapOp("stat", l.String(), err)
			}
			if format == "" {
				format = "URL:           %N\nSize:          %s (%S)\nContent-Type:  %t\nETag:          %e\nLast-Modified: %m\nMode:          %M\nStorage-Class: %c\nEncryption:    %x"
				if objectEncryption(o) == "" {
					// An empty value reads like a missing answer; say it plainly.
					format = strings.Replace(format, "%x", "none", 1)
				}
			}
			out, err := formatObject(format, l, o)
			if err != nil {
				return err
			}
			fmt.Fprintln(a.stdout, out)
			return nil
		},
	}
	cmd.Flags().StringVar(&format, "format", "", "print this format instead (see above)")
	return cmd
}

// formatObject expands the %-directives of format for object o at l.
func formatObject(format string, l location, o *types.Object) (string, error) {
	format = strings.NewReplacer(`\n`, "\n", `\t`, "\t").Replace(format)
	var b strings.Builder
	for i := 0; i < len(format); i++ {
		c := format[i]
		if c != '%' {
			b.WriteByte(c)
			continue
		}
		i++
		if i == len(format) {
			return "", usagef("stat --format: %q ends with a lone %%", format)
		}
		size, _ := o.GetContentLength()
		switch format[i] {
		case '%':
			b.WriteByte('%')
		case 'N':
			b.WriteString(l.String())
		case 'k', 'n':
			b.WriteString(l.Key)
		case 's':
			b.WriteString(strconv.FormatInt(size, 10))
		case 'S':
			b.WriteString(humanSize(size))
		case 't', 'F':
			v, _ := o.GetContentType()
			b.WriteString(v)
		case 'e':
			v, _ := o.GetEtag()
			b.WriteString(v)
		case 'h':
			v, _ := o.GetEtag()
			b.WriteString(strings.Trim(v, `"`))
		case 'y':
			if v, ok := o.GetLastModified(); ok {
				b.WriteString(v.UTC().String())
			}
		case 'm':
			if v, ok := o.GetLastModified(); ok {
				b.WriteString(v.UTC().Format(time.RFC3339))
			}
		case 'u', 'Y':
			if v, ok := o.GetLastModified(); ok {
				b.WriteString(strconv.FormatInt(v.Unix(), 10))
			}
		case 'c':
			b.WriteString(objectStorageClass(o))
		case 'x':
			b.WriteString(objectEncryption(o))
		case 'M':
			b.WriteString(o.Mode.String())
		default:
			return "", usagef("stat --format: unknown directive %%%c (see qs stat --help)", format[i])
		}
	}
	return b.String(), nil
}
