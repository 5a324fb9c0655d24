package memory

// generated.go comes from service.json. The goimports pass removes the time
// and pkg/httpclient imports the generator adds for every service (it sees
// those names in pairMap's type strings); memory uses neither. Drop the second
// line once internal/gen stops adding unused imports.
//go:generate go run ../../internal/gen service
//go:generate go run golang.org/x/tools/cmd/goimports -w generated.go
