package qingstor

//go:generate go run ../../internal/gen service
