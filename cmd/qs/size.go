package main

import (
	"fmt"
	"strconv"
	"strings"
)

// sizeValue is a pflag value holding a byte count written as 67108864,
// 64MiB, 64M or 1G (binary units: K, M, G, T with or without "iB" or "B").
type sizeValue int64

func (s *sizeValue) String() string { return humanSize(int64(*s)) }

// Type names the value in help output.
func (s *sizeValue) Type() string { return "size" }

// Set parses a size.
func (s *sizeValue) Set(v string) error {
	n, err := parseSize(v)
	if err != nil {
		return err
	}
	*s = sizeValue(n)
	return nil
}

// parseSize parses a byte count with an optional binary unit suffix.
func parseSize(v string) (int64, error) {
	t := strings.ToUpper(strings.TrimSpace(v))
	t = strings.TrimSuffix(strings.TrimSuffix(t, "B"), "I")
	mult := int64(1)
	if t != "" {
		switch t[len(t)-1] {
		case 'K':
			mult = 1 << 10
		case 'M':
			mult = 1 << 20
		case 'G':
			mult = 1 << 30
		case 'T':
			mult = 1 << 40
		}
		if mult > 1 {
			t = t[:len(t)-1]
		}
	}
	n, err := strconv.ParseInt(t, 10, 64)
	if err != nil || n < 0 || n > (1<<62)/mult {
		return 0, fmt.Errorf("%q is not a size (write e.g. 67108864, 64MiB or 1G)", v)
	}
	return n * mult, nil
}

// humanSize formats n bytes with a binary unit: 0B, 1023B, 1.0KiB, 64MiB.
func humanSize(n int64) string {
	if n < 1024 {
		return strconv.FormatInt(n, 10) + "B"
	}
	units := []string{"KiB", "MiB", "GiB", "TiB", "PiB"}
	f := float64(n)
	i := -1
	for f >= 1024 && i < len(units)-1 {
		f /= 1024
		i++
	}
	if f == float64(int64(f)) {
		return fmt.Sprintf("%d%s", int64(f), units[i])
	}
	return fmt.Sprintf("%.1f%s", f, units[i])
}
