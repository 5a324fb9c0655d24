// Package compat holds a test that names every identifier of sections 1 to 6
// of the go-storage v4.8.0 API specification with its exact signature
// (method expressions assigned to typed function variables), so that any drift
// of the generated or hand-written API fails to compile, and that asserts some
// behaviour of each.
package compat
