package compat

// The memory service exports what a go-storage v4 service package exports
// (section 6) and implements the capabilities issue 2 asks of it.

import (
	"github.com/qsgo/qsgo/services/memory"
	"github.com/qsgo/qsgo/types"
)

var (
	_ string                                                      = memory.Type
	_ func(...types.Pair) (types.Servicer, types.Storager, error) = memory.New
	_ func(...types.Pair) (types.Servicer, error)                 = memory.NewServicer
	_ func(...types.Pair) (types.Storager, error)                 = memory.NewStorager
	_ func(memory.StorageFeatures) types.Pair                     = memory.WithStorageFeatures
	_ func(memory.DefaultStoragePairs) types.Pair                 = memory.WithDefaultStoragePairs
	_ func(memory.ServiceFeatures) types.Pair                     = memory.WithServiceFeatures
	_ func(memory.DefaultServicePairs) types.Pair                 = memory.WithDefaultServicePairs
	_ func() types.Pair                                           = memory.WithEnableLoosePair

	_ types.Servicer    = &memory.Service{}
	_ types.Storager    = &memory.Storage{}
	_ types.Appender    = &memory.Storage{}
	_ types.Copier      = &memory.Storage{}
	_ types.Direr       = &memory.Storage{}
	_ types.Linker      = &memory.Storage{}
	_ types.Mover       = &memory.Storage{}
	_ types.Multiparter = &memory.Storage{}
)
