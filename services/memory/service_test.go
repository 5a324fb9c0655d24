package memory_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/qsgo/qsgo/pairs"
	"github.com/qsgo/qsgo/services"
	"github.com/qsgo/qsgo/types"
)

// names lists the storages of srv by name.
func names(t *testing.T, srv types.Servicer) []string {
	t.Helper()
	it, err := srv.List()
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for {
		st, err := it.Next()
		if errors.Is(err, types.IterateDone) {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, st.Metadata().Name)
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func TestServiceManagesNamedSpaces(t *testing.T) {
	srv, err := services.NewServicerFromString("memory://")
	if err != nil {
		t.Fatal(err)
	}
	name := "svc-" + uuid.NewString()
	st, err := srv.Create(name, pairs.WithWorkDir("/w/"))
	if err != nil {
		t.Fatal(err)
	}
	if meta := st.Metadata(); meta.Name != name || meta.WorkDir != "/w/" {
		t.Fatalf("Create: Metadata() = {%q, %q}", meta.Name, meta.WorkDir)
	}
	if _, err := st.Write("x", strings.NewReader("abc"), 3); err != nil {
		t.Fatal(err)
	}
	again, err := srv.Get(name)
	if err != nil {
		t.Fatal(err)
	}
	if o, err := again.Stat("w/x"); err != nil || o.MustGetContentLength() != 3 {
		t.Fatalf("Get(%q) does not see the object written through Create: %v", name, err)
	}
	if !contains(names(t, srv), name) {
		t.Fatalf("List does not show %q", name)
	}
	for i := 0; i < 2; i++ {
		if err := srv.Delete(name); err != nil {
			t.Fatalf("Delete #%d: %v", i+1, err)
		}
	}
	if contains(names(t, srv), name) {
		t.Fatalf("List still shows deleted %q", name)
	}
	fresh, err := srv.Get(name)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fresh.Stat("w/x"); !errors.Is(err, services.ErrObjectNotExist) {
		t.Fatalf("a storage opened after Delete sees old objects: %v", err)
	}
	_ = srv.Delete(name)

	_, err = srv.Create("")
	var se services.ServiceError
	if !errors.Is(err, services.ErrRestrictionDissatisfied) || !errors.As(err, &se) || se.Op != "create" {
		t.Fatalf("Create(\"\") = %v, want a ServiceError for create that is ErrRestrictionDissatisfied", err)
	}
	_, err = srv.Get(name, types.Pair{Key: "unknown", Value: 1})
	if !errors.Is(err, services.ErrCapabilityInsufficient) || !errors.As(err, &se) || se.Op != "get" || se.Name != name {
		t.Fatalf("Get with an unknown pair = %v, want PairUnsupportedError in a ServiceError", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := srv.ListWithContext(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("ListWithContext(cancelled) = %v", err)
	}
}
