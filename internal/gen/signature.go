package main

import "strings"

// opName is the exported method name of an operation.
func (op operation) method() string { return pascal(op.Name) }

// params renders the parameter list, optionally with a leading ctx, always
// with the trailing variadic pairs.
func (op operation) params(withCtx bool) string {
	var parts []string
	if withCtx {
		parts = append(parts, "ctx context.Context")
	}
	for _, p := range op.Params {
		parts = append(parts, p.Name+" "+p.Type)
	}
	parts = append(parts, "pairs ...Pair")
	return strings.Join(parts, ", ")
}

// results renders the named result list, with err unless the op is local.
func (op operation) results() string {
	var parts []string
	for _, r := range op.Results {
		parts = append(parts, r.Name+" "+r.Type)
	}
	if !op.Local {
		parts = append(parts, "err error")
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

// args renders the call arguments for the parameters (without ctx and pairs).
func (op operation) args() []string {
	var out []string
	for _, p := range op.Params {
		out = append(out, p.Name)
	}
	return out
}

// takesObject reports whether the first parameter is an *Object.
func (op operation) takesObject() bool {
	return len(op.Params) > 0 && op.Params[0].Type == "*Object"
}

// pathArgs are the string parameters reported in StorageError.Path: every
// string parameter, unless the op takes an *Object first.
func (op operation) pathArgs() []string {
	if op.takesObject() {
		return nil
	}
	var out []string
	for _, p := range op.Params {
		if p.Type == "string" {
			out = append(out, p.Name)
		}
	}
	return out
}
