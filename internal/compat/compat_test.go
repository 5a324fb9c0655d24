package compat

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	ts "github.com/qsgo/qsgo/internal/testservice"
	"github.com/qsgo/qsgo/pairs"
	"github.com/qsgo/qsgo/pkg/credential"
	"github.com/qsgo/qsgo/pkg/endpoint"
	"github.com/qsgo/qsgo/pkg/fswrap"
	"github.com/qsgo/qsgo/pkg/headers"
	"github.com/qsgo/qsgo/pkg/httpclient"
	"github.com/qsgo/qsgo/pkg/iowrap"
	"github.com/qsgo/qsgo/pkg/randbytes"
	"github.com/qsgo/qsgo/services"
	. "github.com/qsgo/qsgo/types"
)

type (
	P   = Pair
	ctx = context.Context
	dur = time.Duration
)

// Pair, the modes.
var (
	_ func(Pair) string             = Pair.String
	_ func(ObjectMode) string       = ObjectMode.String
	_ func(*ObjectMode, ObjectMode) = (*ObjectMode).Add
	_ func(*ObjectMode, ObjectMode) = (*ObjectMode).Del
	_ func(ObjectMode) bool         = ObjectMode.IsDir
	_ func(ObjectMode) bool         = ObjectMode.IsRead
	_ func(ObjectMode) bool         = ObjectMode.IsLink
	_ func(ObjectMode) bool         = ObjectMode.IsPart
	_ func(ObjectMode) bool         = ObjectMode.IsBlock
	_ func(ObjectMode) bool         = ObjectMode.IsPage
	_ func(ObjectMode) bool         = ObjectMode.IsAppend
	_ func(ListMode) string         = ListMode.String
	_ func(ListMode) bool           = ListMode.IsDir
	_ func(ListMode) bool           = ListMode.IsPrefix
	_ func(ListMode) bool           = ListMode.IsPart
	_ func(ListMode) bool           = ListMode.IsBlock
	_ uint32                        = uint32(ModeDir | ModeRead | ModeLink | ModePart | ModeBlock | ModePage | ModeAppend)
	_ uint8                         = uint8(ListModeDir | ListModePrefix | ListModePart | ListModeBlock)
)

// Object.
var (
	_ func(Storager, bool) *Object      = NewObject
	_ func(*Object) string              = (*Object).GetID
	_ func(*Object, string) *Object     = (*Object).SetID
	_ func(*Object) string              = (*Object).GetPath
	_ func(*Object, string) *Object     = (*Object).SetPath
	_ func(*Object) ObjectMode          = (*Object).GetMode
	_ func(*Object, ObjectMode) *Object = (*Object).SetMode

	_ func(*Object) (int64, bool)              = (*Object).GetAppendOffset
	_ func(*Object) int64                      = (*Object).MustGetAppendOffset
	_ func(*Object, int64) *Object             = (*Object).SetAppendOffset
	_ func(*Object) (int64, bool)              = (*Object).GetContentLength
	_ func(*Object) int64                      = (*Object).MustGetContentLength
	_ func(*Object, int64) *Object             = (*Object).SetContentLength
	_ func(*Object) (string, bool)             = (*Object).GetContentMd5
	_ func(*Object) string                     = (*Object).MustGetContentMd5
	_ func(*Object, string) *Object            = (*Object).SetContentMd5
	_ func(*Object) (string, bool)             = (*Object).GetContentType
	_ func(*Object) string                     = (*Object).MustGetContentType
	_ func(*Object, string) *Object            = (*Object).SetContentType
	_ func(*Object) (string, bool)             = (*Object).GetEtag
	_ func(*Object) string                     = (*Object).MustGetEtag
	_ func(*Object, string) *Object            = (*Object).SetEtag
	_ func(*Object) (time.Time, bool)          = (*Object).GetLastModified
	_ func(*Object) time.Time                  = (*Object).MustGetLastModified
	_ func(*Object, time.Time) *Object         = (*Object).SetLastModified
	_ func(*Object) (string, bool)             = (*Object).GetLinkTarget
	_ func(*Object) string                     = (*Object).MustGetLinkTarget
	_ func(*Object, string) *Object            = (*Object).SetLinkTarget
	_ func(*Object) (string, bool)             = (*Object).GetMultipartID
	_ func(*Object) string                     = (*Object).MustGetMultipartID
	_ func(*Object, string) *Object            = (*Object).SetMultipartID
	_ func(*Object) (interface{}, bool)        = (*Object).GetSystemMetadata
	_ func(*Object) interface{}                = (*Object).MustGetSystemMetadata
	_ func(*Object, interface{}) *Object       = (*Object).SetSystemMetadata
	_ func(*Object) (map[string]string, bool)  = (*Object).GetUserMetadata
	_ func(*Object) map[string]string          = (*Object).MustGetUserMetadata
	_ func(*Object, map[string]string) *Object = (*Object).SetUserMetadata

	// Part and Block.
	_ = Part{Index: 1, Size: 2, ETag: "e"}
	_ = Block{ID: "b", Size: 3}
)

// StorageMeta.
var (
	_ func() *StorageMeta                          = NewStorageMeta
	_ func(*StorageMeta) string                    = (*StorageMeta).GetName
	_ func(*StorageMeta, string) *StorageMeta      = (*StorageMeta).SetName
	_ func(*StorageMeta) string                    = (*StorageMeta).GetWorkDir
	_ func(*StorageMeta, string) *StorageMeta      = (*StorageMeta).SetWorkDir
	_ func(*StorageMeta) (int, bool)               = (*StorageMeta).GetAppendNumberMaximum
	_ func(*StorageMeta) int                       = (*StorageMeta).MustGetAppendNumberMaximum
	_ func(*StorageMeta, int) *StorageMeta         = (*StorageMeta).SetAppendNumberMaximum
	_ func(*StorageMeta) (int64, bool)             = (*StorageMeta).GetAppendSizeMaximum
	_ func(*StorageMeta) int64                     = (*StorageMeta).MustGetAppendSizeMaximum
	_ func(*StorageMeta, int64) *StorageMeta       = (*StorageMeta).SetAppendSizeMaximum
	_ func(*StorageMeta) (int64, bool)             = (*StorageMeta).GetAppendTotalSizeMaximum
	_ func(*StorageMeta) int64                     = (*StorageMeta).MustGetAppendTotalSizeMaximum
	_ func(*StorageMeta, int64) *StorageMeta       = (*StorageMeta).SetAppendTotalSizeMaximum
	_ func(*StorageMeta) (int64, bool)             = (*StorageMeta).GetCopySizeMaximum
	_ func(*StorageMeta) int64                     = (*StorageMeta).MustGetCopySizeMaximum
	_ func(*StorageMeta, int64) *StorageMeta       = (*StorageMeta).SetCopySizeMaximum
	_ func(*StorageMeta) (int64, bool)             = (*StorageMeta).GetFetchSizeMaximum
	_ func(*StorageMeta) int64                     = (*StorageMeta).MustGetFetchSizeMaximum
	_ func(*StorageMeta, int64) *StorageMeta       = (*StorageMeta).SetFetchSizeMaximum
	_ func(*StorageMeta) (string, bool)            = (*StorageMeta).GetLocation
	_ func(*StorageMeta) string                    = (*StorageMeta).MustGetLocation
	_ func(*StorageMeta, string) *StorageMeta      = (*StorageMeta).SetLocation
	_ func(*StorageMeta) (int64, bool)             = (*StorageMeta).GetMoveSizeMaximum
	_ func(*StorageMeta) int64                     = (*StorageMeta).MustGetMoveSizeMaximum
	_ func(*StorageMeta, int64) *StorageMeta       = (*StorageMeta).SetMoveSizeMaximum
	_ func(*StorageMeta) (int, bool)               = (*StorageMeta).GetMultipartNumberMaximum
	_ func(*StorageMeta) int                       = (*StorageMeta).MustGetMultipartNumberMaximum
	_ func(*StorageMeta, int) *StorageMeta         = (*StorageMeta).SetMultipartNumberMaximum
	_ func(*StorageMeta) (int64, bool)             = (*StorageMeta).GetMultipartSizeMaximum
	_ func(*StorageMeta) int64                     = (*StorageMeta).MustGetMultipartSizeMaximum
	_ func(*StorageMeta, int64) *StorageMeta       = (*StorageMeta).SetMultipartSizeMaximum
	_ func(*StorageMeta) (int64, bool)             = (*StorageMeta).GetMultipartSizeMinimum
	_ func(*StorageMeta) int64                     = (*StorageMeta).MustGetMultipartSizeMinimum
	_ func(*StorageMeta, int64) *StorageMeta       = (*StorageMeta).SetMultipartSizeMinimum
	_ func(*StorageMeta) (interface{}, bool)       = (*StorageMeta).GetSystemMetadata
	_ func(*StorageMeta) interface{}               = (*StorageMeta).MustGetSystemMetadata
	_ func(*StorageMeta, interface{}) *StorageMeta = (*StorageMeta).SetSystemMetadata
	_ func(*StorageMeta) (int64, bool)             = (*StorageMeta).GetWriteSizeMaximum
	_ func(*StorageMeta) int64                     = (*StorageMeta).MustGetWriteSizeMaximum
	_ func(*StorageMeta, int64) *StorageMeta       = (*StorageMeta).SetWriteSizeMaximum
)

// Iterators.
var (
	_ func(Continuable) string                                   = Continuable.ContinuationToken
	_ NextObjectFunc                                             = func(ctx, *ObjectPage) error { return nil }
	_ NextPartFunc                                               = func(ctx, *PartPage) error { return nil }
	_ NextBlockFunc                                              = func(ctx, *BlockPage) error { return nil }
	_ NextStoragerFunc                                           = func(ctx, *StoragerPage) error { return nil }
	_                                                            = ObjectPage{Status: nil, Data: []*Object{}}
	_                                                            = PartPage{Status: nil, Data: []*Part{}}
	_                                                            = BlockPage{Status: nil, Data: []*Block{}}
	_                                                            = StoragerPage{Status: nil, Data: []Storager{}}
	_ func(ctx, NextObjectFunc, Continuable) *ObjectIterator     = NewObjectIterator
	_ func(ctx, NextPartFunc, Continuable) *PartIterator         = NewPartIterator
	_ func(ctx, NextBlockFunc, Continuable) *BlockIterator       = NewBlockIterator
	_ func(ctx, NextStoragerFunc, Continuable) *StoragerIterator = NewStoragerIterator
	_ func(*ObjectIterator) (*Object, error)                     = (*ObjectIterator).Next
	_ func(*PartIterator) (*Part, error)                         = (*PartIterator).Next
	_ func(*BlockIterator) (*Block, error)                       = (*BlockIterator).Next
	_ func(*StoragerIterator) (Storager, error)                  = (*StoragerIterator).Next
	_ func(*ObjectIterator) string                               = (*ObjectIterator).ContinuationToken
	_ func(*PartIterator) string                                 = (*PartIterator).ContinuationToken
	_ func(*BlockIterator) string                                = (*BlockIterator).ContinuationToken
	_ func(*StoragerIterator) string                             = (*StoragerIterator).ContinuationToken
)

// Errors, the interceptor.
var (
	_ error                            = IterateDone
	_ error                            = ErrNotImplemented
	_ func(OperationError) string      = OperationError.Error
	_ func(OperationError) error       = OperationError.Unwrap
	_ func(OperationError)             = OperationError.IsInternalError
	_ func(string) error               = NewOperationNotImplementedError
	_ Interceptor                      = func(ctx, string) func(error) { return nil }
	_ func(...Interceptor) Interceptor = ChainInterceptor
)

// Interfaces (method expressions fix every signature).
var (
	_ func(Storager) string                                              = Storager.String
	_ func(Storager, string, ...P) *Object                               = Storager.Create
	_ func(Storager, string, ...P) error                                 = Storager.Delete
	_ func(Storager, ctx, string, ...P) error                            = Storager.DeleteWithContext
	_ func(Storager, string, ...P) (*ObjectIterator, error)              = Storager.List
	_ func(Storager, ctx, string, ...P) (*ObjectIterator, error)         = Storager.ListWithContext
	_ func(Storager, ...P) *StorageMeta                                  = Storager.Metadata
	_ func(Storager, string, io.Writer, ...P) (int64, error)             = Storager.Read
	_ func(Storager, ctx, string, io.Writer, ...P) (int64, error)        = Storager.ReadWithContext
	_ func(Storager, string, ...P) (*Object, error)                      = Storager.Stat
	_ func(Storager, ctx, string, ...P) (*Object, error)                 = Storager.StatWithContext
	_ func(Storager, string, io.Reader, int64, ...P) (int64, error)      = Storager.Write
	_ func(Storager, ctx, string, io.Reader, int64, ...P) (int64, error) = Storager.WriteWithContext

	_ func(Servicer) string                                = Servicer.String
	_ func(Servicer, string, ...P) (Storager, error)       = Servicer.Create
	_ func(Servicer, ctx, string, ...P) (Storager, error)  = Servicer.CreateWithContext
	_ func(Servicer, string, ...P) error                   = Servicer.Delete
	_ func(Servicer, ctx, string, ...P) error              = Servicer.DeleteWithContext
	_ func(Servicer, string, ...P) (Storager, error)       = Servicer.Get
	_ func(Servicer, ctx, string, ...P) (Storager, error)  = Servicer.GetWithContext
	_ func(Servicer, ...P) (*StoragerIterator, error)      = Servicer.List
	_ func(Servicer, ctx, ...P) (*StoragerIterator, error) = Servicer.ListWithContext

	_ func(Appender, *Object, ...P) error                                 = Appender.CommitAppend
	_ func(Appender, ctx, *Object, ...P) error                            = Appender.CommitAppendWithContext
	_ func(Appender, string, ...P) (*Object, error)                       = Appender.CreateAppend
	_ func(Appender, ctx, string, ...P) (*Object, error)                  = Appender.CreateAppendWithContext
	_ func(Appender, *Object, io.Reader, int64, ...P) (int64, error)      = Appender.WriteAppend
	_ func(Appender, ctx, *Object, io.Reader, int64, ...P) (int64, error) = Appender.WriteAppendWithContext

	_ func(Blocker, *Object, []string, ...P) error                               = Blocker.CombineBlock
	_ func(Blocker, ctx, *Object, []string, ...P) error                          = Blocker.CombineBlockWithContext
	_ func(Blocker, string, ...P) (*Object, error)                               = Blocker.CreateBlock
	_ func(Blocker, ctx, string, ...P) (*Object, error)                          = Blocker.CreateBlockWithContext
	_ func(Blocker, *Object, ...P) (*BlockIterator, error)                       = Blocker.ListBlock
	_ func(Blocker, ctx, *Object, ...P) (*BlockIterator, error)                  = Blocker.ListBlockWithContext
	_ func(Blocker, *Object, io.Reader, int64, string, ...P) (int64, error)      = Blocker.WriteBlock
	_ func(Blocker, ctx, *Object, io.Reader, int64, string, ...P) (int64, error) = Blocker.WriteBlockWithContext

	_ func(Copier, string, string, ...P) error                 = Copier.Copy
	_ func(Copier, ctx, string, string, ...P) error            = Copier.CopyWithContext
	_ func(Direr, string, ...P) (*Object, error)               = Direr.CreateDir
	_ func(Direr, ctx, string, ...P) (*Object, error)          = Direr.CreateDirWithContext
	_ func(Fetcher, string, string, ...P) error                = Fetcher.Fetch
	_ func(Fetcher, ctx, string, string, ...P) error           = Fetcher.FetchWithContext
	_ func(Linker, string, string, ...P) (*Object, error)      = Linker.CreateLink
	_ func(Linker, ctx, string, string, ...P) (*Object, error) = Linker.CreateLinkWithContext
	_ func(Mover, string, string, ...P) error                  = Mover.Move
	_ func(Mover, ctx, string, string, ...P) error             = Mover.MoveWithContext

	_ func(Multiparter, *Object, []*Part, ...P) error                                    = Multiparter.CompleteMultipart
	_ func(Multiparter, ctx, *Object, []*Part, ...P) error                               = Multiparter.CompleteMultipartWithContext
	_ func(Multiparter, string, ...P) (*Object, error)                                   = Multiparter.CreateMultipart
	_ func(Multiparter, ctx, string, ...P) (*Object, error)                              = Multiparter.CreateMultipartWithContext
	_ func(Multiparter, *Object, ...P) (*PartIterator, error)                            = Multiparter.ListMultipart
	_ func(Multiparter, ctx, *Object, ...P) (*PartIterator, error)                       = Multiparter.ListMultipartWithContext
	_ func(Multiparter, *Object, io.Reader, int64, int, ...P) (int64, *Part, error)      = Multiparter.WriteMultipart
	_ func(Multiparter, ctx, *Object, io.Reader, int64, int, ...P) (int64, *Part, error) = Multiparter.WriteMultipartWithContext

	_ func(Pager, string, ...P) (*Object, error)                              = Pager.CreatePage
	_ func(Pager, ctx, string, ...P) (*Object, error)                         = Pager.CreatePageWithContext
	_ func(Pager, *Object, io.Reader, int64, int64, ...P) (int64, error)      = Pager.WritePage
	_ func(Pager, ctx, *Object, io.Reader, int64, int64, ...P) (int64, error) = Pager.WritePageWithContext
	_ func(Reacher, string, ...P) (string, error)                             = Reacher.Reach
	_ func(Reacher, ctx, string, ...P) (string, error)                        = Reacher.ReachWithContext

	_ func(StorageHTTPSigner, string, dur, ...P) (*http.Request, error)             = StorageHTTPSigner.QuerySignHTTPDelete
	_ func(StorageHTTPSigner, ctx, string, dur, ...P) (*http.Request, error)        = StorageHTTPSigner.QuerySignHTTPDeleteWithContext
	_ func(StorageHTTPSigner, string, dur, ...P) (*http.Request, error)             = StorageHTTPSigner.QuerySignHTTPRead
	_ func(StorageHTTPSigner, ctx, string, dur, ...P) (*http.Request, error)        = StorageHTTPSigner.QuerySignHTTPReadWithContext
	_ func(StorageHTTPSigner, string, int64, dur, ...P) (*http.Request, error)      = StorageHTTPSigner.QuerySignHTTPWrite
	_ func(StorageHTTPSigner, ctx, string, int64, dur, ...P) (*http.Request, error) = StorageHTTPSigner.QuerySignHTTPWriteWithContext

	_ func(MultipartHTTPSigner, *Object, []*Part, dur, ...P) (*http.Request, error)         = MultipartHTTPSigner.QuerySignHTTPCompleteMultipart
	_ func(MultipartHTTPSigner, ctx, *Object, []*Part, dur, ...P) (*http.Request, error)    = MultipartHTTPSigner.QuerySignHTTPCompleteMultipartWithContext
	_ func(MultipartHTTPSigner, string, dur, ...P) (*http.Request, error)                   = MultipartHTTPSigner.QuerySignHTTPCreateMultipart
	_ func(MultipartHTTPSigner, ctx, string, dur, ...P) (*http.Request, error)              = MultipartHTTPSigner.QuerySignHTTPCreateMultipartWithContext
	_ func(MultipartHTTPSigner, *Object, dur, ...P) (*http.Request, error)                  = MultipartHTTPSigner.QuerySignHTTPListMultipart
	_ func(MultipartHTTPSigner, ctx, *Object, dur, ...P) (*http.Request, error)             = MultipartHTTPSigner.QuerySignHTTPListMultipartWithContext
	_ func(MultipartHTTPSigner, *Object, int64, int, dur, ...P) (*http.Request, error)      = MultipartHTTPSigner.QuerySignHTTPWriteMultipart
	_ func(MultipartHTTPSigner, ctx, *Object, int64, int, dur, ...P) (*http.Request, error) = MultipartHTTPSigner.QuerySignHTTPWriteMultipartWithContext
)

// Stubs: each value satisfies its interface and has String.
var (
	_ Storager            = UnimplementedStorager{}
	_ Servicer            = UnimplementedServicer{}
	_ Appender            = UnimplementedAppender{}
	_ Blocker             = UnimplementedBlocker{}
	_ Copier              = UnimplementedCopier{}
	_ Direr               = UnimplementedDirer{}
	_ Fetcher             = UnimplementedFetcher{}
	_ Linker              = UnimplementedLinker{}
	_ Mover               = UnimplementedMover{}
	_ Multiparter         = UnimplementedMultiparter{}
	_ Pager               = UnimplementedPager{}
	_ Reacher             = UnimplementedReacher{}
	_ StorageHTTPSigner   = UnimplementedStorageHTTPSigner{}
	_ MultipartHTTPSigner = UnimplementedMultipartHTTPSigner{}
)

// Package pairs.
var (
	_ func(string) Pair              = pairs.WithContentMd5
	_ func(string) Pair              = pairs.WithContentType
	_ func(context.Context) Pair     = pairs.WithContext
	_ func(string) Pair              = pairs.WithContinuationToken
	_ func(string) Pair              = pairs.WithCredential
	_ func(string) Pair              = pairs.WithDefaultContentType
	_ func(func([]byte)) Pair        = pairs.WithDefaultIoCallback
	_ func(string) Pair              = pairs.WithEndpoint
	_ func(time.Duration) Pair       = pairs.WithExpire
	_ func(*httpclient.Options) Pair = pairs.WithHTTPClientOptions
	_ func(Interceptor) Pair         = pairs.WithInterceptor
	_ func(func([]byte)) Pair        = pairs.WithIoCallback
	_ func(ListMode) Pair            = pairs.WithListMode
	_ func(string) Pair              = pairs.WithLocation
	_ func(string) Pair              = pairs.WithMultipartID
	_ func(string) Pair              = pairs.WithName
	_ func(ObjectMode) Pair          = pairs.WithObjectMode
	_ func(int64) Pair               = pairs.WithOffset
	_ func(int64) Pair               = pairs.WithSize
	_ func(string) Pair              = pairs.WithWorkDir
	_ error                          = pairs.ErrPairTypeMismatch
	_ func(*pairs.Error) string      = (*pairs.Error).Error
	_ func(*pairs.Error) error       = (*pairs.Error).Unwrap
	_                                = pairs.Error{Op: "", Err: nil, Key: "", Type: "", Value: nil}
)

// Package services.
var (
	_ services.NewServicerFunc                       = func(...Pair) (Servicer, error) { return nil, nil }
	_ services.NewStoragerFunc                       = func(...Pair) (Storager, error) { return nil, nil }
	_ func(string, services.NewServicerFunc)         = services.RegisterServicer
	_ func(string, services.NewStoragerFunc)         = services.RegisterStorager
	_ func(string, map[string]string)                = services.RegisterSchema
	_ func(string, ...Pair) (Servicer, error)        = services.NewServicer
	_ func(string, ...Pair) (Storager, error)        = services.NewStorager
	_ func(string, ...Pair) (Servicer, error)        = services.NewServicerFromString
	_ func(string, ...Pair) (Storager, error)        = services.NewStoragerFromString
	_ func(string) error                             = services.NewErrorCode
	_ func(services.InternalError)                   = services.InternalError.IsInternalError
	_ func(services.InitError) string                = services.InitError.Error
	_ func(services.InitError) error                 = services.InitError.Unwrap
	_ func(services.ServiceError) string             = services.ServiceError.Error
	_ func(services.ServiceError) error              = services.ServiceError.Unwrap
	_ func(services.StorageError) string             = services.StorageError.Error
	_ func(services.StorageError) error              = services.StorageError.Unwrap
	_                                                = services.InitError{Op: "", Type: "", Err: nil, Pairs: []Pair{}}
	_                                                = services.ServiceError{Op: "", Err: nil, Servicer: nil, Name: ""}
	_                                                = services.StorageError{Op: "", Err: nil, Storager: nil, Path: []string{}}
	_ services.InternalError                         = services.MetadataUnrecognizedError{Key: "", Value: nil}
	_ services.InternalError                         = services.PairUnsupportedError{Pair: Pair{}}
	_ services.InternalError                         = services.PairRequiredError{Keys: []string{}}
	_ services.InternalError                         = services.ObjectModeInvalidError{Expected: ModeDir, Actual: ModeRead}
	_ services.InternalError                         = services.ListModeInvalidError{Actual: ListModeDir}
	_ func(services.MetadataUnrecognizedError) error = services.MetadataUnrecognizedError.Unwrap
	_ func(services.PairUnsupportedError) error      = services.PairUnsupportedError.Unwrap
	_ func(services.PairRequiredError) error         = services.PairRequiredError.Unwrap
	_ func(services.ObjectModeInvalidError) error    = services.ObjectModeInvalidError.Unwrap
	_ func(services.ListModeInvalidError) error      = services.ListModeInvalidError.Unwrap
)

var codes = map[error]string{
	services.ErrUnexpected:              "unexpected",
	services.ErrCapabilityInsufficient:  "capability insufficient",
	services.ErrRestrictionDissatisfied: "restriction dissatisfied",
	services.ErrObjectNotExist:          "object not exist",
	services.ErrObjectModeInvalid:       "object mode invalid",
	services.ErrPermissionDenied:        "permission denied",
	services.ErrListModeInvalid:         "list mode invalid",
	services.ErrServiceNotRegistered:    "service not registered",
	services.ErrServiceInternal:         "service internal",
	services.ErrRequestThrottled:        "request throttled",
	services.ErrConnectionStringInvalid: "connection string is invalid",
}

// Credential and endpoint.
var (
	_ string                                     = credential.ProtocolHmac + credential.ProtocolAPIKey + credential.ProtocolFile + credential.ProtocolEnv + credential.ProtocolBase64
	_ error                                      = credential.ErrUnsupportedProtocol
	_ error                                      = credential.ErrInvalidValue
	_ func(credential.Provider) string           = credential.Provider.Protocol
	_ func(credential.Provider) []string         = credential.Provider.Value
	_ func(credential.Provider) string           = credential.Provider.String
	_ func(credential.Provider) (string, string) = credential.Provider.Hmac
	_ func(credential.Provider) string           = credential.Provider.APIKey
	_ func(credential.Provider) string           = credential.Provider.File
	_ func(credential.Provider) string           = credential.Provider.Base64
	_ func(string) (credential.Provider, error)  = credential.Parse
	_ func(string, string) credential.Provider   = credential.NewHmac
	_ func(string) credential.Provider           = credential.NewAPIKey
	_ func(string) credential.Provider           = credential.NewFile
	_ func() credential.Provider                 = credential.NewEnv
	_ func(string) credential.Provider           = credential.NewBase64
	_ func(credential.Error) string              = credential.Error.Error
	_ func(credential.Error) error               = credential.Error.Unwrap
	_                                            = credential.Error{Op: "", Err: nil, Protocol: "", Values: nil}

	_ string                               = endpoint.ProtocolHTTPS + endpoint.ProtocolHTTP
	_ error                                = endpoint.ErrUnsupportedProtocol
	_ error                                = endpoint.ErrInvalidValue
	_                                      = endpoint.Value{Protocol: "", Host: "", Port: 0}
	_ func(endpoint.Value) string          = endpoint.Value.String
	_ func(string) (endpoint.Value, error) = endpoint.Parse
	_ func(string, int) endpoint.Value     = endpoint.NewHTTPS
	_ func(string, int) endpoint.Value     = endpoint.NewHTTP
	_ func(*endpoint.Error) string         = (*endpoint.Error).Error
	_ func(*endpoint.Error) error          = (*endpoint.Error).Unwrap
	_                                      = endpoint.Error{Op: "", Err: nil, Protocol: "", Values: nil}
)

// Utilities.
var (
	_ func() io.Reader                           = randbytes.NewRand
	_                                            = randbytes.Rand{Source: nil}
	_                                            = &Object{ID: "", Mode: 0, Path: ""}
	_ func(*randbytes.Rand, []byte) (int, error) = (*randbytes.Rand).Read
	_ func(*randbytes.Rand) int64                = (*randbytes.Rand).Int63
	_ func(*randbytes.Rand, int64)               = (*randbytes.Rand).Seed

	_ iowrap.ReadAtCloser                                                 = (*readAtCloser)(nil)
	_ func(io.ReadCloser, int64) *iowrap.LimitedReadCloser                = iowrap.LimitReadCloser
	_ func(*iowrap.LimitedReadCloser, []byte) (int, error)                = (*iowrap.LimitedReadCloser).Read
	_ func(*iowrap.LimitedReadCloser) error                               = (*iowrap.LimitedReadCloser).Close
	_ func(iowrap.ReadAtCloser, int64, int64) *iowrap.SectionedReadCloser = iowrap.SectionReadCloser
	_ func(*iowrap.SectionedReadCloser, []byte) (int, error)              = (*iowrap.SectionedReadCloser).Read
	_ func(*iowrap.SectionedReadCloser) error                             = (*iowrap.SectionedReadCloser).Close
	_ func(io.Reader) *iowrap.SeekCloseableReader                         = iowrap.ReadSeekCloser
	_ func(io.Reader, int64) *iowrap.SeekCloseableReader                  = iowrap.SizedReadSeekCloser
	_ func(*iowrap.SeekCloseableReader, []byte) (int, error)              = (*iowrap.SeekCloseableReader).Read
	_ func(*iowrap.SeekCloseableReader, int64, int) (int64, error)        = (*iowrap.SeekCloseableReader).Seek
	_ func(*iowrap.SeekCloseableReader) error                             = (*iowrap.SeekCloseableReader).Close
	_ func(io.Reader, func([]byte)) *iowrap.CallbackifyReader             = iowrap.CallbackReader
	_ func(*iowrap.CallbackifyReader, []byte) (int, error)                = (*iowrap.CallbackifyReader).Read
	_ func(io.ReadCloser, func([]byte)) *iowrap.CallbackifyReadCloser     = iowrap.CallbackReadCloser
	_ func(*iowrap.CallbackifyReadCloser, []byte) (int, error)            = (*iowrap.CallbackifyReadCloser).Read
	_ func(*iowrap.CallbackifyReadCloser) error                           = (*iowrap.CallbackifyReadCloser).Close
	_ func(io.Writer, func([]byte)) *iowrap.CallbackifyWriter             = iowrap.CallbackWriter
	_ func(*iowrap.CallbackifyWriter, []byte) (int, error)                = (*iowrap.CallbackifyWriter).Write
	_ func() (*iowrap.PipeReader, *iowrap.PipeWriter)                     = iowrap.Pipe
	_ func(*iowrap.PipeReader, []byte) (int, error)                       = (*iowrap.PipeReader).Read
	_ func(*iowrap.PipeReader) error                                      = (*iowrap.PipeReader).Close
	_ func(*iowrap.PipeReader, error)                                     = (*iowrap.PipeReader).CloseWithError
	_ func(*iowrap.PipeWriter, []byte) (int, error)                       = (*iowrap.PipeWriter).Write
	_ func(*iowrap.PipeWriter) error                                      = (*iowrap.PipeWriter).Close
	_ func(*iowrap.PipeWriter, error)                                     = (*iowrap.PipeWriter).CloseWithError

	_                                                                 = httpclient.Options{DialerConnectTimeout: 0, ConnReadTimeout: 0, ConnWriteTimeout: 0}
	_ func(*httpclient.Options) *http.Client                          = httpclient.New
	_ func() *httpclient.Dialer                                       = httpclient.NewDialer
	_ *httpclient.Dialer                                              = httpclient.DefaultDialer
	_ *net.Dialer                                                     = httpclient.Dialer{}.Dialer
	_ func(*httpclient.Dialer, time.Duration) *httpclient.Dialer      = (*httpclient.Dialer).WithConnectTimeout
	_ func(*httpclient.Dialer, time.Duration) *httpclient.Dialer      = (*httpclient.Dialer).WithReadTimeout
	_ func(*httpclient.Dialer, time.Duration) *httpclient.Dialer      = (*httpclient.Dialer).WithWriteTimeout
	_ func(*httpclient.Dialer, ctx, string, string) (net.Conn, error) = (*httpclient.Dialer).DialContext
	_ net.Conn                                                        = httpclient.Conn{}.Conn
	_ func(*httpclient.Conn, []byte) (int, error)                     = (*httpclient.Conn).Read
	_ func(*httpclient.Conn, []byte) (int, error)                     = (*httpclient.Conn).Write

	_ func(Storager) fs.FS           = fswrap.Fs
	_ func(Storager) http.FileSystem = fswrap.HttpFs

	_ string                    = headers.ContentLength + headers.ContentType + headers.ETag + headers.LastModified + headers.Location
	_ func(int64, int64) string = headers.FormatRange
)

type readAtCloser struct{ *strings.Reader }

func (readAtCloser) Close() error { return nil }

// The exports of a generated service package.
var (
	_ string                                      = ts.Type
	_ func(...Pair) (Servicer, Storager, error)   = ts.New
	_ func(...Pair) (Servicer, error)             = ts.NewServicer
	_ func(...Pair) (Storager, error)             = ts.NewStorager
	_ Servicer                                    = &ts.Service{}
	_ Storager                                    = &ts.Storage{}
	_                                             = ts.ServiceFeatures{}
	_                                             = ts.StorageFeatures{LoosePair: true, VirtualDir: true, VirtualLink: true}
	_                                             = ts.DefaultServicePairs{Create: nil, Delete: nil, Get: nil, List: nil}
	_                                             = ts.DefaultStoragePairs{CommitAppend: nil, Copy: nil, Create: nil, CreateAppend: nil, Delete: nil, List: nil, Metadata: nil, Reach: nil, Read: nil, Stat: nil, Write: nil, WriteAppend: nil}
	_ func(*Object) ts.ObjectSystemMetadata       = ts.GetObjectSystemMetadata
	_ func(*StorageMeta) ts.StorageSystemMetadata = ts.GetStorageSystemMetadata
	_ func(ts.ServiceFeatures) Pair               = ts.WithServiceFeatures
	_ func(ts.StorageFeatures) Pair               = ts.WithStorageFeatures
	_ func(ts.DefaultServicePairs) Pair           = ts.WithDefaultServicePairs
	_ func(ts.DefaultStoragePairs) Pair           = ts.WithDefaultStoragePairs
	_ func() Pair                                 = ts.WithEnableVirtualDir
	_ func() Pair                                 = ts.WithEnableVirtualLink
	_ func() Pair                                 = ts.WithEnableLoosePair
	_ func(string) Pair                           = ts.WithStorageClass
	_ func(string) Pair                           = ts.WithDefaultStorageClass
	_ func() Pair                                 = ts.WithDisableURICleaning
	_ error                                       = ts.ErrBucketBusy
)

func TestModesAndPairs(t *testing.T) {
	m := ModeRead
	m.Add(ModeLink)
	if m.String() != "read|link" || (ListModeDir|ListModePart).String() != "dir|part" {
		t.Fatal("mode strings")
	}
	if pairs.WithSize(3).String() != "size: 3" {
		t.Fatal("pair string")
	}
	keys := map[string]Pair{
		"content_md5": pairs.WithContentMd5(""), "content_type": pairs.WithContentType(""), "context": pairs.WithContext(context.Background()),
		"continuation_token": pairs.WithContinuationToken(""), "credential": pairs.WithCredential(""),
		"default_content_type": pairs.WithDefaultContentType(""), "default_io_callback": pairs.WithDefaultIoCallback(nil),
		"endpoint": pairs.WithEndpoint(""), "expire": pairs.WithExpire(0), "http_client_options": pairs.WithHTTPClientOptions(nil),
		"interceptor": pairs.WithInterceptor(nil), "io_callback": pairs.WithIoCallback(nil), "list_mode": pairs.WithListMode(0),
		"location": pairs.WithLocation(""), "multipart_id": pairs.WithMultipartID(""), "name": pairs.WithName(""),
		"object_mode": pairs.WithObjectMode(0), "offset": pairs.WithOffset(0), "size": pairs.WithSize(0), "work_dir": pairs.WithWorkDir(""),
	}
	for k, p := range keys {
		if p.Key != k {
			t.Errorf("key %q, want %q", p.Key, k)
		}
	}
}

func TestErrorCodesAndStubs(t *testing.T) {
	for code, text := range codes {
		if code.Error() != text || services.NewErrorCode(text) != code {
			t.Errorf("code %q", text)
		}
	}
	stubs := map[string]func() error{
		"operation delete: not implemented":         func() error { return UnimplementedStorager{}.Delete("") },
		"operation get: not implemented":            func() error { _, err := UnimplementedServicer{}.Get(""); return err },
		"operation commit_append: not implemented":  func() error { return UnimplementedAppender{}.CommitAppend(nil) },
		"operation combine_block: not implemented":  func() error { return UnimplementedBlocker{}.CombineBlock(nil, nil) },
		"operation copy: not implemented":           func() error { return UnimplementedCopier{}.Copy("", "") },
		"operation create_dir: not implemented":     func() error { _, err := UnimplementedDirer{}.CreateDir(""); return err },
		"operation fetch: not implemented":          func() error { return UnimplementedFetcher{}.Fetch("", "") },
		"operation create_link: not implemented":    func() error { _, err := UnimplementedLinker{}.CreateLink("", ""); return err },
		"operation move: not implemented":           func() error { return UnimplementedMover{}.MoveWithContext(context.Background(), "", "") },
		"operation list_multipart: not implemented": func() error { _, err := UnimplementedMultiparter{}.ListMultipart(nil); return err },
		"operation write_page: not implemented":     func() error { _, err := UnimplementedPager{}.WritePage(nil, nil, 0, 0); return err },
		"operation reach: not implemented":          func() error { _, err := UnimplementedReacher{}.Reach(""); return err },
		"operation query_sign_http_write: not implemented": func() error {
			_, err := UnimplementedStorageHTTPSigner{}.QuerySignHTTPWrite("", 0, 0)
			return err
		},
		"operation query_sign_http_list_multipart: not implemented": func() error {
			_, err := UnimplementedMultipartHTTPSigner{}.QuerySignHTTPListMultipart(nil, 0)
			return err
		},
	}
	for want, call := range stubs {
		err := call()
		if err == nil || err.Error() != want || !errors.Is(err, ErrNotImplemented) {
			t.Errorf("got %v, want %s", err, want)
		}
		var oe OperationError
		if !errors.As(err, &oe) {
			t.Errorf("%v is not an OperationError", err)
		}
	}
	if (UnimplementedMultipartHTTPSigner{}).String() != "UnimplementedMultipartHTTPSigner" {
		t.Fatal("stub String")
	}
}

func TestServiceEndToEnd(t *testing.T) {
	store, err := services.NewStoragerFromString("testservice://compat/work/?enable_virtual_link")
	if err != nil {
		t.Fatal(err)
	}
	content := io.LimitReader(randbytes.NewRand(), 1000)
	if n, err := store.Write(`dir\file`, content, 1000, pairs.WithContentType("application/x")); err != nil || n != 1000 {
		t.Fatalf("Write = %d, %v", n, err)
	}
	o, err := store.Stat("dir/file")
	if err != nil || o.Path != "dir/file" || o.MustGetContentLength() != 1000 || o.MustGetContentType() != "application/x" {
		t.Fatalf("Stat = %v", err)
	}
	var w strings.Builder
	var seen int
	n, err := store.Read("dir/file", &w, pairs.WithOffset(10), pairs.WithSize(100), pairs.WithIoCallback(func(b []byte) { seen += len(b) }))
	if err != nil || n != 100 || seen != 100 {
		t.Fatalf("Read = %d, %v", n, err)
	}
	it, err := store.List("")
	if err != nil {
		t.Fatal(err)
	}
	if first, err := it.Next(); err != nil || first.Path != "dir/file" {
		t.Fatalf("Next = %v", err)
	}
	if _, err := it.Next(); err != IterateDone {
		t.Fatalf("end = %v", err)
	}
	_, err = store.Read("missing", &w)
	var se services.StorageError
	if !errors.Is(err, services.ErrObjectNotExist) || !errors.As(err, &se) || se.Op != "read" {
		t.Fatalf("Read missing = %v", err)
	}
	ap := store.(Appender)
	_, err = ap.WriteAppend(store.Create("dir/file"), strings.NewReader("x"), 1)
	if !errors.Is(err, services.ErrObjectModeInvalid) {
		t.Fatalf("WriteAppend = %v", err)
	}
	if meta := store.Metadata(); meta.WorkDir != "/work/" || meta.Name != "compat" {
		t.Fatalf("meta %+v", meta)
	}
	if err := store.Delete("dir/file"); err != nil {
		t.Fatal(err)
	}
	if _, err := store.Stat("dir/file"); !errors.Is(err, services.ErrObjectNotExist) {
		t.Fatalf("Stat deleted = %v", err)
	}
}

func TestCredentialEndpointIowrap(t *testing.T) {
	cred, err := credential.Parse("hmac:ak:sk")
	if ak, sk := cred.Hmac(); err != nil || ak != "ak" || sk != "sk" {
		t.Fatal("credential")
	}
	ep, err := endpoint.Parse("http:127.0.0.1:9000")
	if err != nil || ep.String() != "http://127.0.0.1:9000" {
		t.Fatalf("endpoint %v %v", ep, err)
	}
	var total int
	r := iowrap.CallbackReader(iowrap.SectionReadCloser(readAtCloser{strings.NewReader("0123456789")}, 2, 5), func(b []byte) { total += len(b) })
	b, _ := io.ReadAll(r)
	if string(b) != "23456" || total != 5 {
		t.Fatalf("iowrap %q", b)
	}
	if headers.FormatRange(2, 5) != "bytes=2-6" {
		t.Fatal("headers")
	}
	if c := httpclient.New(nil); c.CheckRedirect == nil || c.Timeout != 0 {
		t.Fatal("httpclient")
	}
}
