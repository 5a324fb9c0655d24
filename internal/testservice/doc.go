// Package testservice is a tiny in-memory service whose repetitive code is
// generated from service.json by internal/gen. It exists to prove the service
// generator: its tests check mode checks, default pairs, unsupported and
// required pairs, the backslash rewrite, error wrapping and registration.
package testservice

//go:generate go run ../gen service
