package main

func genServiceFile(def, out string) error { return nil }
