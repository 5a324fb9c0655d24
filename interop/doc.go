// Package interop checks qslocal against clients written by other people.
//
// Each suite lives in a folder of its own with pinned dependencies and is
// driven by a Go test that starts qslocal on a loopback port with fresh
// keys, runs the client's test program against it and fails with the
// program's output when any case fails:
//
//   - js/: the official QingStor JavaScript SDK (npm package qingstor-sdk,
//     pinned by js/package-lock.json, installed with npm ci). See
//     js/README.md for what it covers and how to run it by hand against
//     `qs serve`.
//
// A machine without node or npm skips these tests and says which tool is
// missing; with QSGO_INTEROP_REQUIRE=1 (set by the project's CI) a missing
// tool or a failed install is a test failure instead.
package interop
