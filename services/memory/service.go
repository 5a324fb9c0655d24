package memory

import (
	"context"
	"errors"
	"fmt"
	"sort"

	"github.com/qsgo/qsgo/pairs"
	"github.com/qsgo/qsgo/services"
	"github.com/qsgo/qsgo/types"
)

// Service is the memory Servicer: it manages the named spaces of the
// process, each seen as a storage (bucket) of that name. It is safe for
// concurrent use. Build it with NewServicer, New or
// services.NewServicerFromString("memory://").
type Service struct {
	types.UnimplementedServicer

	features     ServiceFeatures
	defaultPairs DefaultServicePairs
}

// newServicer builds the Service; it takes no pairs of its own.
func newServicer(ps ...types.Pair) (*Service, error) {
	opt, err := parsePairServiceNew(ps)
	if err != nil {
		return nil, err
	}
	s := &Service{}
	if opt.HasServiceFeatures {
		s.features = opt.ServiceFeatures
	}
	if opt.HasDefaultServicePairs {
		s.defaultPairs = opt.DefaultServicePairs
	}
	return s, nil
}

// String describes the service.
func (s *Service) String() string { return "Servicer memory" }

// formatError wraps err as the services.ServiceError of op on name, keeping
// go-storage errors and context errors, like Storage.formatError.
func (s *Service) formatError(op string, err error, name string) error {
	var ie services.InternalError
	var pe *pairs.Error
	if !errors.As(err, &ie) && !errors.As(err, &pe) &&
		!errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded) {
		err = fmt.Errorf("%w: %w", services.ErrUnexpected, err)
	}
	return services.ServiceError{Op: op, Err: err, Servicer: s, Name: name}
}

// storageFor opens the storage of the named space name with the given work
// dir, features and default pairs.
func storageFor(name string, hasWD bool, wd string, hasF bool, f StorageFeatures, hasD bool, d DefaultStoragePairs) (*Storage, error) {
	if name == "" {
		return nil, services.PairRequiredError{Keys: []string{"name"}}
	}
	ps := []types.Pair{pairs.WithName(name)}
	if hasWD {
		ps = append(ps, pairs.WithWorkDir(wd))
	}
	if hasF {
		ps = append(ps, WithStorageFeatures(f))
	}
	if hasD {
		ps = append(ps, WithDefaultStoragePairs(d))
	}
	return newStorager(ps...)
}

// create returns the storage of the space name, creating the space if
// needed: creating an existing storage succeeds and keeps its objects.
func (s *Service) create(ctx context.Context, name string, opt pairServiceCreate) (types.Storager, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return storageFor(name, opt.HasWorkDir, opt.WorkDir, opt.HasStorageFeatures, opt.StorageFeatures,
		opt.HasDefaultStoragePairs, opt.DefaultStoragePairs)
}

// get returns the storage of the space name. Named spaces come into being
// on first use, so get of an unknown name gives an empty storage, as
// NewStorager does.
func (s *Service) get(ctx context.Context, name string, opt pairServiceGet) (types.Storager, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return storageFor(name, opt.HasWorkDir, opt.WorkDir, opt.HasStorageFeatures, opt.StorageFeatures,
		opt.HasDefaultStoragePairs, opt.DefaultStoragePairs)
}

// delete forgets the space name; deleting an unknown name succeeds. Storages
// already open on it keep working on their detached copy; the next storage
// opened with that name starts empty.
func (s *Service) delete(ctx context.Context, name string, _ pairServiceDelete) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	namedMu.Lock()
	defer namedMu.Unlock()
	delete(named, name)
	return nil
}

// servicePage is the status of a storage listing: a single page.
type servicePage struct{}

// ContinuationToken returns "": the listing has one page.
func (servicePage) ContinuationToken() string { return "" }

// list returns an iterator over the storages of the named spaces existing
// now, by name, each with work dir "/".
func (s *Service) list(ctx context.Context, _ pairServiceList) (*types.StoragerIterator, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	namedMu.Lock()
	names := make([]string, 0, len(named))
	for name := range named {
		names = append(names, name)
	}
	namedMu.Unlock()
	sort.Strings(names)
	next := func(ctx context.Context, page *types.StoragerPage) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		for _, name := range names {
			st, err := newStorager(pairs.WithName(name))
			if err != nil {
				return err
			}
			page.Data = append(page.Data, st)
		}
		return types.IterateDone
	}
	return types.NewStoragerIterator(ctx, next, servicePage{}), nil
}
