// Package soak holds a bounded soak test (see soak_test.go): many
// goroutines run mixed Storager operations against qslocal through the
// fault-injecting proxy and check invariants throughout. It has no API.
// Run the long variant (32 goroutines, 60 s) with QSGO_LONG=1.
package soak
