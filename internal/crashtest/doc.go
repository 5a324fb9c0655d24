// Package crashtest holds the crash-safety test of `qs serve` (see
// crash_test.go): the server is killed with SIGKILL at random moments during
// concurrent uploads, overwrites, appends and multipart completions,
// restarted on the same data directory, and every acknowledged write must
// read back byte-exact with nothing half-visible and no temporary file left.
// It has no API. Run the long variant (60 kills) with QSGO_LONG=1.
package crashtest
