//go:build !unix

package main

import "os"

// terminalColumns returns 80: the width of a terminal is read on Unix only.
func terminalColumns(*os.File) int { return 80 }
