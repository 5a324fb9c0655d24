package types

import "strings"

// ObjectMode is a set of orthogonal flags telling what an object is and what
// can be done with it (GSP-25): a symlink to a file is ModeRead|ModeLink.
type ObjectMode uint32

// The object modes.
const (
	// ModeDir marks an object listable as a directory.
	ModeDir ObjectMode = 1 << iota
	// ModeRead marks an object with readable content.
	ModeRead
	// ModeLink marks a symlink; its LinkTarget is meaningful.
	ModeLink
	// ModePart marks an in-progress multipart upload.
	ModePart
	// ModeBlock marks a block object.
	ModeBlock
	// ModePage marks a page (random-write) object.
	ModePage
	// ModeAppend marks an appendable object.
	ModeAppend
)

var objectModeNames = []struct {
	mode ObjectMode
	name string
}{
	{ModeDir, "dir"}, {ModeRead, "read"}, {ModeLink, "link"}, {ModePart, "part"},
	{ModeBlock, "block"}, {ModePage, "page"}, {ModeAppend, "append"},
}

// String joins the names of the set flags with "|" in the order
// dir, read, link, part, block, page, append; no flag gives "".
func (o ObjectMode) String() string {
	var names []string
	for _, m := range objectModeNames {
		if o&m.mode != 0 {
			names = append(names, m.name)
		}
	}
	return strings.Join(names, "|")
}

// Add sets the flags of mode in o.
func (o *ObjectMode) Add(mode ObjectMode) { *o |= mode }

// Del clears the flags of mode in o.
func (o *ObjectMode) Del(mode ObjectMode) { *o &^= mode }

// IsDir reports whether ModeDir is set.
func (o ObjectMode) IsDir() bool { return o&ModeDir != 0 }

// IsRead reports whether ModeRead is set.
func (o ObjectMode) IsRead() bool { return o&ModeRead != 0 }

// IsLink reports whether ModeLink is set.
func (o ObjectMode) IsLink() bool { return o&ModeLink != 0 }

// IsPart reports whether ModePart is set.
func (o ObjectMode) IsPart() bool { return o&ModePart != 0 }

// IsBlock reports whether ModeBlock is set.
func (o ObjectMode) IsBlock() bool { return o&ModeBlock != 0 }

// IsPage reports whether ModePage is set.
func (o ObjectMode) IsPage() bool { return o&ModePage != 0 }

// IsAppend reports whether ModeAppend is set.
func (o ObjectMode) IsAppend() bool { return o&ModeAppend != 0 }

// ListMode selects how List walks a storage.
type ListMode uint8

// The list modes.
const (
	// ListModeDir lists one level, hierarchically.
	ListModeDir ListMode = 1 << iota
	// ListModePrefix lists every key starting with the prefix, flat.
	ListModePrefix
	// ListModePart lists in-progress multipart uploads.
	ListModePart
	// ListModeBlock lists blocks.
	ListModeBlock
)

var listModeNames = []struct {
	mode ListMode
	name string
}{
	{ListModeDir, "dir"}, {ListModePrefix, "prefix"}, {ListModePart, "part"}, {ListModeBlock, "block"},
}

// String joins the names of the set flags with "|" in the order dir, prefix,
// part, block; no flag gives "".
func (l ListMode) String() string {
	var names []string
	for _, m := range listModeNames {
		if l&m.mode != 0 {
			names = append(names, m.name)
		}
	}
	return strings.Join(names, "|")
}

// IsDir reports whether ListModeDir is set.
func (l ListMode) IsDir() bool { return l&ListModeDir != 0 }

// IsPrefix reports whether ListModePrefix is set.
func (l ListMode) IsPrefix() bool { return l&ListModePrefix != 0 }

// IsPart reports whether ListModePart is set.
func (l ListMode) IsPart() bool { return l&ListModePart != 0 }

// IsBlock reports whether ListModeBlock is set.
func (l ListMode) IsBlock() bool { return l&ListModeBlock != 0 }
