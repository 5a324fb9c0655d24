// Package compat holds the tests that prove source compatibility with
// go-storage v4.8.0 (sections 1 to 6 of the API specification); it has no
// code of its own.
//
//   - compat_test.go names every identifier with its exact signature (method
//     expressions assigned to typed function variables), so any drift of the
//     generated or hand-written API fails to compile, and checks some
//     behaviour of each;
//   - typed_test.go pins the types of constants and struct fields, the
//     methods promoted from embedded interfaces and the stubs' String;
//   - dotimport_test.go dot-imports types and pairs together, as generated
//     service code does, which compiles only while their names do not collide;
//   - memory_test.go checks that services/memory exports the section 6
//     surface and implements the capabilities it promises;
//   - v4style_test.go is a service and test double written the go-storage v4
//     way (embedded Unimplemented stubs, `var _ types.Storager = ...`,
//     registration, pairs used as `ps.WithX`) and exercised end to end.
package compat
