package main

import (
	"bufio"
	"fmt"
	"os"
	"regexp"
	"strings"
	"sync"

	"github.com/spf13/cobra"
)

// Filters follow rclone's rules, so that patterns written for rclone mean
// the same here. A pattern is matched against the '/'-separated path of a
// file (or object) relative to the root of the command (the local
// directory, or the key prefix taken as a directory):
//
//   - "*" matches any run of characters except '/', "?" one character
//     except '/', "[...]" a class ("[!...]" negated), "{a,b}" either
//     alternative, "\x" the character x itself;
//   - "**" matches anything, '/' included;
//   - a pattern starting with '/' is anchored at the root; any other
//     pattern matches the end of the path at a segment boundary, so "*.txt"
//     and "b.txt" match "a/b.txt";
//   - a pattern ending in "/" means the same as one ending in "/**": the
//     whole directory, which a walk then skips without listing it;
//   - rules are tried in the order given (--include, --exclude,
//     --include-from and --exclude-from interleaved as on the command line)
//     and the first that matches decides; a path no rule matches is kept,
//     unless an include rule was given (then, as rclone, an implicit
//     "exclude everything" ends the list).
//
// As rclone, a pattern without '/' at its end (such as "logs") matches files
// only, never a directory's contents: write "logs/" or "logs/**". Where
// rclone treats an include "dir/" as a rule for directories only, qs treats
// it as "dir/**" (every file below dir), as for excludes.

// rule is one compiled include or exclude pattern.
type rule struct {
	include bool
	pattern string
	// re matches the relative path of a file the rule applies to.
	re *regexp.Regexp
	// dirRE, set for whole-directory rules (ending in "/**" or "/"),
	// matches the relative path of a directory every file of which the
	// rule matches.
	dirRE *regexp.Regexp
	// underRE, when set, matches every directory below which a file could
	// match re; nil means any directory may hold a match.
	underRE *regexp.Regexp
}

// filter is an ordered list of rules; the zero filter keeps everything.
type filter struct {
	rules      []rule
	hasInclude bool

	// report, when set, is told each excluded path once (directories with
	// a trailing '/').
	report   func(rel string)
	mu       sync.Mutex
	reported map[string]bool
}

// newRule compiles pattern into a rule.
func newRule(include bool, pattern string) (rule, error) {
	r := rule{include: include, pattern: pattern}
	if pattern == "" {
		return r, fmt.Errorf("empty pattern")
	}
	anchored := strings.HasPrefix(pattern, "/")
	body := strings.TrimPrefix(pattern, "/")
	if strings.HasSuffix(body, "/") || body == "" {
		body += "**"
	}
	prefix := "(?:^|/)"
	if anchored {
		prefix = "^"
	}
	expr, err := globRE(body)
	if err != nil {
		return r, err
	}
	if r.re, err = regexp.Compile(prefix + expr + "$"); err != nil {
		return r, fmt.Errorf("%q: %v", pattern, err)
	}
	if body == "**" {
		r.dirRE = regexp.MustCompile("")
	} else if base, ok := strings.CutSuffix(body, "/**"); ok {
		bexpr, err := globRE(base)
		if err != nil {
			return r, err
		}
		r.dirRE = regexp.MustCompile(prefix + bexpr + "(?:/.*)?$")
	}
	if anchored {
		r.underRE = underRE(body)
	}
	return r, nil
}

// underRE returns a regexp matching the directories below which a file
// could match the anchored glob body, or nil when that cannot be told
// simply (alternatives or escapes, which may hide a '/').
func underRE(body string) *regexp.Regexp {
	if strings.ContainsAny(body, `{\`) {
		return nil
	}
	segs := strings.Split(body, "/")
	var alts []string
	path := ""
	for i, s := range segs[:len(segs)-1] {
		if strings.Contains(s, "**") {
			// This segment may span any depth: anything below the
			// segments before it.
			alts = append(alts, path+".*")
			break
		}
		e, err := globRE(s)
		if err != nil {
			return nil
		}
		if i > 0 {
			path += "/"
		}
		path += e
		alts = append(alts, path)
	}
	if strings.Contains(segs[len(segs)-1], "**") && !strings.Contains(body[:len(body)-len(segs[len(segs)-1])], "**") {
		p := strings.TrimSuffix(path, "/")
		if p != "" {
			p += "/"
		}
		alts = append(alts, p+".*")
	}
	if len(alts) == 0 {
		return regexp.MustCompile(`^\b\B$`) // a top-level file only: no directory
	}
	re, err := regexp.Compile("^(?:" + strings.Join(alts, "|") + ")$")
	if err != nil {
		return nil
	}
	return re
}

// globRE translates a glob (without anchoring) to a regular expression.
func globRE(glob string) (string, error) {
	var b strings.Builder
	inBrace := false
	for i := 0; i < len(glob); i++ {
		c := glob[i]
		switch c {
		case '\\':
			i++
			if i == len(glob) {
				return "", fmt.Errorf("%q ends with a lone \\", glob)
			}
			b.WriteString(regexp.QuoteMeta(glob[i : i+1]))
		case '*':
			if i+1 < len(glob) && glob[i+1] == '*' {
				b.WriteString(".*")
				i++
			} else {
				b.WriteString("[^/]*")
			}
		case '?':
			b.WriteString("[^/]")
		case '[':
			end := classEnd(glob, i)
			if end < 0 {
				return "", fmt.Errorf("%q: [ without ]", glob)
			}
			class := glob[i+1 : end]
			if strings.HasPrefix(class, "!") {
				class = "^" + class[1:]
			}
			b.WriteString("[" + class + "]")
			i = end
		case '{':
			if inBrace {
				return "", fmt.Errorf("%q: nested {", glob)
			}
			inBrace = true
			b.WriteString("(?:")
		case '}':
			if !inBrace {
				return "", fmt.Errorf("%q: } without {", glob)
			}
			inBrace = false
			b.WriteString(")")
		case ',':
			if inBrace {
				b.WriteString("|")
			} else {
				b.WriteString(",")
			}
		default:
			b.WriteString(regexp.QuoteMeta(glob[i : i+1]))
		}
	}
	if inBrace {
		return "", fmt.Errorf("%q: { without }", glob)
	}
	if _, err := regexp.Compile(b.String()); err != nil {
		return "", fmt.Errorf("%q: %v", glob, err)
	}
	return b.String(), nil
}

// classEnd returns the index of the ']' closing the class that opens at
// glob[open], or -1. A ']' right after "[" or "[!" is part of the class.
func classEnd(glob string, open int) int {
	i := open + 1
	if i < len(glob) && glob[i] == '!' {
		i++
	}
	if i < len(glob) && glob[i] == ']' {
		i++
	}
	for ; i < len(glob); i++ {
		switch glob[i] {
		case ']':
			return i
		case '\\':
			i++
		}
	}
	return -1
}

// add appends a rule.
func (f *filter) add(include bool, pattern string) error {
	r, err := newRule(include, pattern)
	if err != nil {
		return err
	}
	f.rules = append(f.rules, r)
	f.hasInclude = f.hasInclude || include
	return nil
}

// active reports whether any rule was given.
func (f *filter) active() bool { return f != nil && len(f.rules) > 0 }

// keep reports whether the file (or object) at rel takes part; an excluded
// path is reported.
func (f *filter) keep(rel string) bool {
	if !f.match(rel) {
		f.excluded(rel)
		return false
	}
	return true
}

// match is keep without reporting.
func (f *filter) match(rel string) bool {
	if f == nil {
		return true
	}
	for _, r := range f.rules {
		if r.re.MatchString(rel) {
			return r.include
		}
	}
	return !f.hasInclude
}

// skipDir reports whether every file below the directory rel is excluded,
// so that a walk need not enter it; a skipped directory is reported. It
// errs on the side of entering: files are still checked one by one.
func (f *filter) skipDir(rel string) bool {
	if f == nil {
		return false
	}
	skip := f.hasInclude
	for _, r := range f.rules {
		if r.dirRE != nil && r.dirRE.MatchString(rel) {
			skip = !r.include
			break
		}
		// An exclude rule cannot keep a file below; an include rule that
		// may match one keeps the directory open.
		if r.include && (r.underRE == nil || r.underRE.MatchString(rel)) {
			skip = false
			break
		}
	}
	if skip {
		f.excluded(rel + "/")
	}
	return skip
}

// excluded reports rel once.
func (f *filter) excluded(rel string) {
	if f == nil || f.report == nil {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.reported[rel] {
		return
	}
	if f.reported == nil {
		f.reported = map[string]bool{}
	}
	f.reported[rel] = true
	f.report(rel)
}

// filterFlags are --include, --exclude, --include-from and --exclude-from,
// collected in command-line order.
type filterFlags struct{ flt filter }

// filterHelp is the part of a recursive command's help about filters.
const filterHelp = `Filters (rclone's rules): --include and --exclude take patterns, tried in
the order given, the first match deciding; --include-from and --exclude-from
read one pattern a line from a file ("#" and ";" start comments). "*"
matches within one path segment, "**" across segments, "?" one character,
[..] a class, {a,b} alternatives. A leading "/" anchors a pattern at the
root of the command (the directory or key prefix); otherwise it matches the
end of a path, so "*.log" and "app.log" match in every directory. A trailing
"/" or "/**" matches a whole directory, which is then not even listed; a
pattern without it ("logs") matches files only, as in rclone. Once any
include is given, paths that no rule matches are excluded. -v names every
excluded path (with --dry-run: what would be left alone).`

func (ff *filterFlags) register(cmd *cobra.Command) {
	fs := cmd.Flags()
	fs.Var(&ruleFlag{f: ff, include: true}, "include", "include paths matching this pattern (repeatable, in order with --exclude)")
	fs.Var(&ruleFlag{f: ff}, "exclude", "exclude paths matching this pattern (repeatable, in order with --include)")
	fs.Var(&ruleFlag{f: ff, include: true, from: true}, "include-from", "read include patterns from a file")
	fs.Var(&ruleFlag{f: ff, from: true}, "exclude-from", "read exclude patterns from a file")
}

// filter returns the rules given, reporting excluded paths through say when
// verbose.
func (ff *filterFlags) filter(a *app) *filter {
	f := &ff.flt
	if a.verbose {
		f.report = func(rel string) { a.say(false, "excluded %s", rel) }
	}
	return f
}

// ruleFlag is a pflag.Value adding rules to a shared filter in the order
// the flags are parsed.
type ruleFlag struct {
	f             *filterFlags
	include, from bool
	given         []string
}

func (r *ruleFlag) String() string { return strings.Join(r.given, ",") }

func (r *ruleFlag) Type() string {
	if r.from {
		return "file"
	}
	return "pattern"
}

func (r *ruleFlag) Set(v string) error {
	r.given = append(r.given, v)
	if !r.from {
		return r.f.flt.add(r.include, v)
	}
	patterns, err := readPatterns(v)
	if err != nil {
		return err
	}
	for _, p := range patterns {
		if err := r.f.flt.add(r.include, p); err != nil {
			return fmt.Errorf("%s: %w", v, err)
		}
	}
	return nil
}

// readPatterns reads a filter file: one pattern a line, surrounding spaces
// removed; empty lines and lines starting with '#' or ';' are skipped.
func readPatterns(path string) ([]string, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	var out []string
	sc := bufio.NewScanner(fh)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' || line[0] == ';' {
			continue
		}
		out = append(out, line)
	}
	return out, sc.Err()
}
