package interop

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/qsgo/qsgo/qslocal"
)

// requireEnv names the variable that turns skips for missing tools into
// failures (CI sets it, so the suite cannot silently stop running there).
const requireEnv = "QSGO_INTEROP_REQUIRE"

// summaryLine is the suite's closing line.
var summaryLine = regexp.MustCompile(`(?m)^(\d+) passed, (\d+) failed\n?\z`)

// TestJSSDK runs js/suite.js (the official QingStor JavaScript SDK) against
// a qslocal started for the test, with a second zone known to host parsing.
func TestJSSDK(t *testing.T) {
	if testing.Short() {
		t.Skip("interop: the JS SDK suite does not run with -short")
	}
	node := lookTool(t, "node")
	dir := "js"
	installSDK(t, dir)

	ts := qslocal.StartTest(t, func(o *qslocal.Options) { o.Zones = []string{"sh1a"} })
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, "suite.js")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(),
		"QS_ENDPOINT="+ts.Endpoint,
		"QS_ACCESS_KEY_ID="+ts.AccessKeyID,
		"QS_SECRET_ACCESS_KEY="+ts.SecretAccessKey,
		"QS_ZONE="+ts.Zone,
		"QS_OTHER_ZONE=sh1a",
		// The SDK creates ~/.qingstor/config.yaml when its config file is
		// missing: point it at a file of the test's own.
		"QINGSTOR_CONFIG_PATH="+filepath.Join(t.TempDir(), "config.yaml"),
	)
	out, err := cmd.CombinedOutput()
	t.Logf("node suite.js output:\n%s", out)
	m := summaryLine.FindSubmatch(out)
	switch {
	case err != nil:
		t.Fatalf("node suite.js: %v (output above)", err)
	case m == nil:
		t.Fatalf("node suite.js ended without its closing line \"N passed, M failed\"")
	}
	passed, _ := strconv.Atoi(string(m[1]))
	if failed, _ := strconv.Atoi(string(m[2])); failed != 0 || passed == 0 {
		t.Fatalf("JS SDK suite: %d passed, %d failed", passed, failed)
	}
}

// lookTool finds a program on PATH or skips the test naming it (fails
// when QSGO_INTEROP_REQUIRE is set).
func lookTool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		missing(t, "interop: %s not found on PATH; the JS SDK suite needs node >= 18 and npm", name)
	}
	return p
}

// installSDK runs `npm ci` in dir unless node_modules holds an install of
// the current lock file (npm writes node_modules/.package-lock.json last, so
// an install older than package-lock.json is redone).
func installSDK(t *testing.T, dir string) {
	t.Helper()
	installed, err1 := os.Stat(filepath.Join(dir, "node_modules", ".package-lock.json"))
	lock, err2 := os.Stat(filepath.Join(dir, "package-lock.json"))
	if err2 != nil {
		t.Fatalf("interop: %v", err2)
	}
	if err1 == nil && !installed.ModTime().Before(lock.ModTime()) {
		return
	}
	npm := lookTool(t, "npm")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, npm, "ci", "--no-audit", "--no-fund")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		missing(t, "interop: npm ci in interop/js failed (%v), cannot install the JS SDK:\n%s", err, out)
	}
}

// missing skips, or fails when the environment demands the suite.
func missing(t *testing.T, format string, args ...any) {
	t.Helper()
	if os.Getenv(requireEnv) != "" {
		t.Fatalf(format+" ("+requireEnv+" is set)", args...)
	}
	t.Skipf(format, args...)
}
