package types_test

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/qsgo/qsgo/types"
)

// cursor is a page status: the service keeps its pagination state in it.
type cursor struct{ next int }

func (c *cursor) ContinuationToken() string { return strconv.Itoa(c.next) }

// A service lists with a next function filling one page per call.
func ExampleNewObjectIterator() {
	keys := []string{"a", "b", "c", "d", "e"}
	next := func(ctx context.Context, page *types.ObjectPage) error {
		c := page.Status.(*cursor)
		for i := 0; i < 2 && c.next < len(keys); i++ {
			o := types.NewObject(nil, true)
			o.Path, o.Mode = keys[c.next], types.ModeRead
			page.Data = append(page.Data, o)
			c.next++
		}
		if c.next == len(keys) {
			return types.IterateDone // last page; its data is still delivered
		}
		return nil
	}
	it := types.NewObjectIterator(context.Background(), next, &cursor{})
	for {
		o, err := it.Next()
		if errors.Is(err, types.IterateDone) {
			break
		}
		fmt.Print(o.Path, " ")
	}
	fmt.Println(it.ContinuationToken())
	// Output: a b c d e 5
}

// Chained interceptors start in order and finish in reverse order.
func ExampleChainInterceptor() {
	trace := func(name string) types.Interceptor {
		return func(ctx context.Context, method string) func(error) {
			fmt.Println(name, "start", method)
			return func(err error) { fmt.Println(name, "end", err) }
		}
	}
	finish := types.ChainInterceptor(trace("outer"), trace("inner"))(context.Background(), "read")
	finish(nil)
	// Output:
	// outer start read
	// inner start read
	// inner end <nil>
	// outer end <nil>
}

// Modes are orthogonal flags.
func ExampleObjectMode() {
	m := types.ModeRead
	m.Add(types.ModeLink)
	fmt.Println(m, m.IsRead(), m.IsDir())
	m.Del(types.ModeRead)
	fmt.Println(m)
	// Output:
	// read|link true false
	// link
}
