package types

import "context"

// Interceptor is called with the method name when an operation starts and
// returns a function called with the operation's error when it ends.
type Interceptor func(ctx context.Context, method string) func(error)

// ChainInterceptor returns an Interceptor calling every interceptor in order
// and whose finisher calls the collected finishers in reverse order.
func ChainInterceptor(interceptors ...Interceptor) Interceptor {
	return func(ctx context.Context, method string) func(error) {
		finishers := make([]func(error), 0, len(interceptors))
		for _, in := range interceptors {
			if in == nil {
				continue
			}
			if fin := in(ctx, method); fin != nil {
				finishers = append(finishers, fin)
			}
		}
		return func(err error) {
			for i := len(finishers) - 1; i >= 0; i-- {
				finishers[i](err)
			}
		}
	}
}
