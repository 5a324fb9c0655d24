package compat

// Exact types of the constants and struct fields of the go-storage v4
// surface: an untyped literal in a composite literal would accept a field of
// the wrong type, these typed declarations do not.

import (
	"errors"
	"fmt"
	"math/rand"
	"reflect"
	"testing"
	"time"

	"github.com/qsgo/qsgo/pairs"
	"github.com/qsgo/qsgo/pkg/credential"
	"github.com/qsgo/qsgo/pkg/endpoint"
	"github.com/qsgo/qsgo/pkg/httpclient"
	"github.com/qsgo/qsgo/pkg/randbytes"
	"github.com/qsgo/qsgo/services"
	"github.com/qsgo/qsgo/types"
)

// Constants have the mode types, and the mode types the spec's underlying
// types (a pointer conversion needs identical underlying types).
var (
	_ [7]types.ObjectMode = [...]types.ObjectMode{types.ModeDir, types.ModeRead, types.ModeLink, types.ModePart, types.ModeBlock, types.ModePage, types.ModeAppend}
	_ [4]types.ListMode   = [...]types.ListMode{types.ListModeDir, types.ListModePrefix, types.ListModePart, types.ListModeBlock}
	_ *uint32             = (*uint32)((*types.ObjectMode)(nil))
	_ *uint8              = (*uint8)((*types.ListMode)(nil))
	_ string              = credential.ProtocolHmac
	_ string              = endpoint.ProtocolHTTPS
	_ rand.Source         = randbytes.Rand{}.Source
)

// Field types, by typed declarations.
var _ = func(o *types.Object, p *types.Part, b *types.Block, m *types.StorageMeta,
	op *types.ObjectPage, pp *types.PartPage, bp *types.BlockPage, sp *types.StoragerPage,
	pe *pairs.Error, ie *services.InitError, sve *services.ServiceError, ste *services.StorageError,
	mu *services.MetadataUnrecognizedError, pu *services.PairUnsupportedError, pr *services.PairRequiredError,
	om *services.ObjectModeInvalidError, lm *services.ListModeInvalidError,
	ce *credential.Error, ee *endpoint.Error, ev *endpoint.Value, ho *httpclient.Options) {
	var _, _ string = o.ID, o.Path
	var _ types.ObjectMode = o.Mode
	var _ int = p.Index
	var _ int64 = p.Size
	var _ string = p.ETag
	var _ string = b.ID
	var _ int64 = b.Size
	var _, _ string = m.Name, m.WorkDir
	var _ types.Continuable = op.Status
	var _ []*types.Object = op.Data
	var _ types.Continuable = pp.Status
	var _ []*types.Part = pp.Data
	var _ types.Continuable = bp.Status
	var _ []*types.Block = bp.Data
	var _ types.Continuable = sp.Status
	var _ []types.Storager = sp.Data
	var _ string = pe.Op
	var _ error = pe.Err
	var _ string = pe.Key
	var _ string = pe.Type
	var _ interface{} = pe.Value
	var _ string = ie.Op
	var _ string = ie.Type
	var _ error = ie.Err
	var _ []types.Pair = ie.Pairs
	var _ string = sve.Op
	var _ error = sve.Err
	var _ string = sve.Name
	var _ types.Servicer = sve.Servicer
	var _ string = ste.Op
	var _ error = ste.Err
	var _ []string = ste.Path
	var _ types.Storager = ste.Storager
	var _ string = mu.Key
	var _ interface{} = mu.Value
	var _ types.Pair = pu.Pair
	var _ []string = pr.Keys
	var _, _ types.ObjectMode = om.Expected, om.Actual
	var _ types.ListMode = lm.Actual
	var _ string = ce.Op
	var _ error = ce.Err
	var _ string = ce.Protocol
	var _ []string = ce.Values
	var _ string = ee.Op
	var _ error = ee.Err
	var _ string = ee.Protocol
	var _ []string = ee.Values
	var _ string = ev.Protocol
	var _ string = ev.Host
	var _ int = ev.Port
	var _, _, _ time.Duration = ho.DialerConnectTimeout, ho.ConnReadTimeout, ho.ConnWriteTimeout
}

// Methods promoted from the interfaces embedded in the error structs, the
// value-receiver Error methods of the contextual errors, and String of
// every stub (value receivers).
var (
	_ func(services.StorageError, string, ...types.Pair) (*types.Object, error)  = services.StorageError.Stat
	_ func(services.ServiceError, string, ...types.Pair) (types.Storager, error) = services.ServiceError.Get
	_ func(services.MetadataUnrecognizedError) string                            = services.MetadataUnrecognizedError.Error
	_ func(services.PairUnsupportedError) string                                 = services.PairUnsupportedError.Error
	_ func(services.PairRequiredError) string                                    = services.PairRequiredError.Error
	_ func(services.ObjectModeInvalidError) string                               = services.ObjectModeInvalidError.Error
	_ func(services.ListModeInvalidError) string                                 = services.ListModeInvalidError.Error
	_ func(services.MetadataUnrecognizedError)                                   = services.MetadataUnrecognizedError.IsInternalError
	_ func(services.PairUnsupportedError)                                        = services.PairUnsupportedError.IsInternalError
	_ func(services.PairRequiredError)                                           = services.PairRequiredError.IsInternalError
	_ func(services.ObjectModeInvalidError)                                      = services.ObjectModeInvalidError.IsInternalError
	_ func(services.ListModeInvalidError)                                        = services.ListModeInvalidError.IsInternalError

	_ func(types.UnimplementedStorager) string            = types.UnimplementedStorager.String
	_ func(types.UnimplementedServicer) string            = types.UnimplementedServicer.String
	_ func(types.UnimplementedAppender) string            = types.UnimplementedAppender.String
	_ func(types.UnimplementedBlocker) string             = types.UnimplementedBlocker.String
	_ func(types.UnimplementedCopier) string              = types.UnimplementedCopier.String
	_ func(types.UnimplementedDirer) string               = types.UnimplementedDirer.String
	_ func(types.UnimplementedFetcher) string             = types.UnimplementedFetcher.String
	_ func(types.UnimplementedLinker) string              = types.UnimplementedLinker.String
	_ func(types.UnimplementedMover) string               = types.UnimplementedMover.String
	_ func(types.UnimplementedMultiparter) string         = types.UnimplementedMultiparter.String
	_ func(types.UnimplementedPager) string               = types.UnimplementedPager.String
	_ func(types.UnimplementedReacher) string             = types.UnimplementedReacher.String
	_ func(types.UnimplementedStorageHTTPSigner) string   = types.UnimplementedStorageHTTPSigner.String
	_ func(types.UnimplementedMultipartHTTPSigner) string = types.UnimplementedMultipartHTTPSigner.String
)

// The sentinels of types carry the InternalError marker of services, and
// the parsers return the pointer error types the spec names.
func TestSentinelsAndParserErrors(t *testing.T) {
	for _, err := range []error{types.IterateDone, types.ErrNotImplemented, types.NewOperationNotImplementedError("x"), services.ErrObjectNotExist} {
		if _, ok := err.(services.InternalError); !ok {
			t.Errorf("%v does not implement services.InternalError", err)
		}
	}
	if types.IterateDone.Error() != "iterate is done" || types.ErrNotImplemented.Error() != "not implemented" {
		t.Fatal("sentinel texts")
	}
	_, err := credential.Parse("nosuch:x")
	var ce *credential.Error
	if !errors.As(err, &ce) || !errors.Is(err, credential.ErrUnsupportedProtocol) || ce.Protocol != "nosuch" {
		t.Fatalf("credential.Parse = %v", err)
	}
	_, err = endpoint.Parse("ftp:host")
	var ee *endpoint.Error
	if !errors.As(err, &ee) || !errors.Is(err, endpoint.ErrUnsupportedProtocol) {
		t.Fatalf("endpoint.Parse = %v", err)
	}
	stubs := []interface{ String() string }{types.UnimplementedStorager{}, types.UnimplementedServicer{}, types.UnimplementedAppender{},
		types.UnimplementedBlocker{}, types.UnimplementedCopier{}, types.UnimplementedDirer{}, types.UnimplementedFetcher{},
		types.UnimplementedLinker{}, types.UnimplementedMover{}, types.UnimplementedMultiparter{}, types.UnimplementedPager{},
		types.UnimplementedReacher{}, types.UnimplementedStorageHTTPSigner{}, types.UnimplementedMultipartHTTPSigner{}}
	for _, s := range stubs {
		if want := fmt.Sprintf("%T", s)[len("types."):]; s.String() != want {
			t.Errorf("String() = %q, want %q", s.String(), want)
		}
	}
	if (types.UnimplementedStorager{}).Create("x") != nil || (types.UnimplementedStorager{}).Metadata() != nil {
		t.Error("stub Create/Metadata must return nil")
	}
}

// Every operation interface carries the unexported mustEmbedUnimplemented<Name>
// method, so that a type outside types satisfies it only by embedding the
// matching stub (the go-storage forward-compatibility pattern).
func TestInterfacesNeedTheirStub(t *testing.T) {
	ifaces := map[string]reflect.Type{
		"Storager": reflect.TypeFor[types.Storager](), "Servicer": reflect.TypeFor[types.Servicer](),
		"Appender": reflect.TypeFor[types.Appender](), "Blocker": reflect.TypeFor[types.Blocker](),
		"Copier": reflect.TypeFor[types.Copier](), "Direr": reflect.TypeFor[types.Direr](),
		"Fetcher": reflect.TypeFor[types.Fetcher](), "Linker": reflect.TypeFor[types.Linker](),
		"Mover": reflect.TypeFor[types.Mover](), "Multiparter": reflect.TypeFor[types.Multiparter](),
		"Pager": reflect.TypeFor[types.Pager](), "Reacher": reflect.TypeFor[types.Reacher](),
		"StorageHTTPSigner":   reflect.TypeFor[types.StorageHTTPSigner](),
		"MultipartHTTPSigner": reflect.TypeFor[types.MultipartHTTPSigner](),
	}
	for name, it := range ifaces {
		found := false
		for i := range it.NumMethod() {
			m := it.Method(i)
			if m.Name == "mustEmbedUnimplemented"+name && m.PkgPath != "" {
				found = true
			}
		}
		if !found {
			t.Errorf("types.%s has no unexported mustEmbedUnimplemented%s method", name, name)
		}
	}
}
