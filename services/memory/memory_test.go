package memory_test

import (
	"testing"

	"github.com/qsgo/qsgo/pairs"
	"github.com/qsgo/qsgo/services/memory"
	"github.com/qsgo/qsgo/storagetest"
	"github.com/qsgo/qsgo/types"
)

// newStore returns a private memory store rooted at workDir.
func newStore(tb testing.TB, workDir string) types.Storager {
	tb.Helper()
	store, err := memory.NewStorager(pairs.WithWorkDir(workDir))
	if err != nil {
		tb.Fatalf("NewStorager(work_dir %q): %v", workDir, err)
	}
	return store
}

func TestConformance(t *testing.T) {
	for _, wd := range []string{"/", "/work/dir/"} {
		t.Run("workdir="+wd, func(t *testing.T) {
			storagetest.TestAll(t, newStore(t, wd), storagetest.Options{ListObjects: 2*100 + 1})
		})
	}
}
