package qingstor

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/qsgo/qsgo/pkg/credential"
	//lint:ignore SA1019 the endpoint pair keeps go-storage v4's format, which this deprecated package parses
	"github.com/qsgo/qsgo/pkg/endpoint"
	"github.com/qsgo/qsgo/pkg/httpclient"
	"github.com/qsgo/qsgo/qsapi"
	"github.com/qsgo/qsgo/services"
	"github.com/qsgo/qsgo/types"
)

// Service is the QingStor Servicer: the buckets of one account. It is safe
// for concurrent use. Build it with NewServicer, New or
// services.NewServicerFromString("qingstor://?credential=hmac:<ak>:<sk>").
type Service struct {
	types.UnimplementedServicer

	features     ServiceFeatures
	defaultPairs DefaultServicePairs

	client   *qsapi.Client // no zone: service-level calls and discovery
	vclient  *qsapi.Client // client in virtual-host style, for storages asking for it
	endpoint string        // for String
}

// servicerKeys and storagerKeys are the pairs the constructors accept; any
// other pair is refused with services.PairUnsupportedError (unless the
// storage enables loose_pair).
var (
	servicerKeys = keySet("credential", "endpoint", "http_client_options", "http_client", "default_service_pairs",
		"service_features", "enable_virtual_host_style", "context", "interceptor")
	storagerKeys = keySet("credential", "endpoint", "http_client_options", "http_client", "name", "work_dir", "location",
		"disable_uri_cleaning", "default_storage_pairs", "storage_features", "enable_virtual_dir", "enable_virtual_link",
		"enable_loose_pair", "enable_virtual_host_style", "context", "interceptor")
)

func keySet(keys ...string) map[string]bool {
	m := make(map[string]bool, len(keys))
	for _, k := range keys {
		m[k] = true
	}
	return m
}

// checkKeys refuses the first pair whose key is not in known. A pair named
// default_<p> is accepted when <p> is a pair some operation takes (the
// generated parser routes it).
func checkKeys(pairs []types.Pair, known map[string]bool, storager bool) error {
	for _, p := range pairs {
		if known[p.Key] {
			continue
		}
		if storager && strings.HasPrefix(p.Key, "default_") {
			if _, ok := pairMap[p.Key]; ok && p.Key != "default_service_pairs" {
				continue
			}
		}
		if isSecretKey(p.Key) {
			p.Value = "***"
		}
		return services.PairUnsupportedError{Pair: p}
	}
	return nil
}

// New returns the Servicer built from pairs and, when pairs contain name,
// the Storager of that bucket too (nil otherwise). Pairs meant only for the
// other one are passed to it alone.
func New(pairs ...types.Pair) (types.Servicer, types.Storager, error) {
	var sp []types.Pair
	hasName := false
	for _, p := range pairs {
		if servicerKeys[p.Key] {
			sp = append(sp, p)
		}
		hasName = hasName || p.Key == "name"
	}
	srv, err := NewServicer(sp...)
	if err != nil {
		return nil, nil, err
	}
	if !hasName {
		return srv, nil, nil
	}
	var stp []types.Pair
	for _, p := range pairs {
		if p.Key != "default_service_pairs" && p.Key != "service_features" {
			stp = append(stp, p)
		}
	}
	store, err := NewStorager(stp...)
	if err != nil {
		return nil, nil, err
	}
	return srv, store, nil
}

// clientConfig is what the wire client is built from: the constructor pairs
// that concern the connection.
type clientConfig struct {
	credential  string
	hasEndpoint bool
	endpoint    string
	httpOptions *httpclient.Options // http_client_options; nil when absent
	httpClient  *http.Client        // http_client; nil when absent
	noClean     bool                // disable_uri_cleaning
	vhost       bool                // enable_virtual_host_style
}

// clientOptions turns cfg into qsapi.Options: the credential (hmac only),
// the endpoint (default https:qingstor.com:443) and the HTTP client.
//
// HTTP client precedence: http_client, when given (and not nil), sends every
// request, and http_client_options is then ignored; otherwise
// http_client_options builds the go-storage HTTP client with the caller's
// timeouts; without either, qsapi's own transport (with response-header
// timeouts) is used. qsapi uses a copy of the given client whose
// CheckRedirect never follows redirects; its Transport, Jar and Timeout are
// kept.
func clientOptions(cfg clientConfig) (qsapi.Options, error) {
	prov, err := credential.Parse(cfg.credential)
	if err != nil {
		return qsapi.Options{}, fmt.Errorf("credential: %w", err)
	}
	if prov.Protocol() != credential.ProtocolHmac {
		return qsapi.Options{}, services.PairUnsupportedError{Pair: types.Pair{Key: "credential", Value: prov.Protocol() + ":*** (only hmac is supported)"}}
	}
	ak, sk := prov.Hmac()
	o := qsapi.Options{AccessKeyID: ak, SecretAccessKey: sk, DisableURICleaning: cfg.noClean, VirtualHostStyle: cfg.vhost}
	if cfg.hasEndpoint {
		//lint:ignore SA1019 the endpoint pair keeps go-storage v4's format, which this deprecated package parses
		v, err := endpoint.Parse(cfg.endpoint)
		if err != nil {
			return qsapi.Options{}, fmt.Errorf("endpoint: %w", err)
		}
		o.Protocol, o.Host, o.Port = v.Protocol, v.Host, v.Port
	}
	switch {
	case cfg.httpClient != nil:
		o.HTTPClient = cfg.httpClient
	case cfg.httpOptions != nil:
		o.HTTPClient = httpclient.New(cfg.httpOptions)
	}
	return o, nil
}

// newClient builds the wire client of cfg.
func newClient(cfg clientConfig) (*qsapi.Client, error) {
	o, err := clientOptions(cfg)
	if err != nil {
		return nil, err
	}
	return qsapi.New(o)
}

// newServicer builds a Service: credential (hmac) required; endpoint,
// http_client_options, http_client (which wins over http_client_options)
// and enable_virtual_host_style optional. The storages the Service makes
// (Get, Create, List) send their requests through the same HTTP client, in
// virtual-host style when the Service or their storage_features ask for it.
func newServicer(pairs ...types.Pair) (*Service, error) {
	if err := checkKeys(pairs, servicerKeys, false); err != nil {
		return nil, err
	}
	opt, err := parsePairServiceNew(pairs)
	if err != nil {
		return nil, err
	}
	o, err := clientOptions(clientConfig{credential: opt.Credential, hasEndpoint: opt.HasEndpoint, endpoint: opt.Endpoint,
		httpOptions: opt.HTTPClientOptions, httpClient: opt.HTTPClient, vhost: opt.ServiceFeatures.VirtualHostStyle})
	if err != nil {
		return nil, err
	}
	c, err := qsapi.New(o)
	if err != nil {
		return nil, err
	}
	// The virtual-host style twin shares c's *http.Client, so both send
	// through the caller's client (or share one transport and its pool).
	o.HTTPClient, o.VirtualHostStyle = c.HTTPClient(), true
	vc, err := qsapi.New(o)
	if err != nil {
		return nil, err
	}
	ep := "https://" + qsapi.DefaultHost
	if opt.HasEndpoint {
		ep = opt.Endpoint
	}
	s := &Service{client: c, vclient: vc, endpoint: ep}
	if opt.HasServiceFeatures {
		s.features = opt.ServiceFeatures
	}
	if opt.HasDefaultServicePairs {
		s.defaultPairs = opt.DefaultServicePairs
	}
	return s, nil
}

// newStorager builds a Storage: credential and name required; work_dir
// (default "/", a missing trailing "/" is added), location (discovered from
// the bucket when absent), endpoint, disable_uri_cleaning,
// http_client_options, http_client (which wins over http_client_options),
// features (enable_virtual_host_style among them) and default pairs
// optional.
func newStorager(pairs ...types.Pair) (*Storage, error) {
	opt, err := parsePairStorageNew(pairs)
	if err != nil {
		return nil, err
	}
	if !opt.StorageFeatures.LoosePair {
		if err := checkKeys(pairs, storagerKeys, true); err != nil {
			return nil, err
		}
	}
	c, err := newClient(clientConfig{credential: opt.Credential, hasEndpoint: opt.HasEndpoint, endpoint: opt.Endpoint,
		httpOptions: opt.HTTPClientOptions, httpClient: opt.HTTPClient, noClean: opt.DisableURICleaning,
		vhost: opt.StorageFeatures.VirtualHostStyle})
	if err != nil {
		return nil, err
	}
	return newStorage(contextOf(pairs), storageConfig{
		client: c, name: opt.Name, location: opt.Location, workDir: opt.WorkDir, noClean: opt.DisableURICleaning,
		features: opt.StorageFeatures, defaultPairs: opt.DefaultStoragePairs,
	})
}

// contextOf returns the context pair's value, or context.Background().
func contextOf(pairs []types.Pair) context.Context {
	for _, p := range pairs {
		if p.Key == "context" {
			if ctx, ok := p.Value.(context.Context); ok && ctx != nil {
				return ctx
			}
		}
	}
	return context.Background()
}

// String describes the service: "Servicer qingstor {Endpoint: https://qingstor.com:443}".
func (s *Service) String() string {
	return fmt.Sprintf("Servicer qingstor {Endpoint: %s}", s.endpoint)
}

// storage returns the Storage of bucket name with the Get/Create pairs. It
// shares the Service's HTTP client; it uses virtual-host style when the
// Service or f ask for it (f.VirtualHostStyle is then set, so the Storage's
// features say so).
func (s *Service) storage(ctx context.Context, name, location, workDir string, hasFeatures bool, f StorageFeatures, hasDefaults bool, d DefaultStoragePairs) (*Storage, error) {
	cfg := storageConfig{client: s.client, name: name, location: location, workDir: workDir}
	if hasFeatures {
		cfg.features = f
	}
	if s.features.VirtualHostStyle || cfg.features.VirtualHostStyle {
		cfg.features.VirtualHostStyle = true
		cfg.client = s.vclient
	}
	if hasDefaults {
		cfg.defaultPairs = d
	}
	return newStorage(ctx, cfg)
}

// create creates bucket name in the zone given by location (required) and
// returns its Storage.
func (s *Service) create(ctx context.Context, name string, opt pairServiceCreate) (types.Storager, error) {
	if err := checkBucketName(name); err != nil {
		return nil, err
	}
	if !opt.HasLocation || opt.Location == "" {
		return nil, services.PairRequiredError{Keys: []string{"location"}}
	}
	st, err := s.storage(ctx, name, opt.Location, opt.WorkDir, opt.HasStorageFeatures, opt.StorageFeatures, opt.HasDefaultStoragePairs, opt.DefaultStoragePairs)
	if err != nil {
		return nil, err
	}
	if _, err := st.client.PutBucket(ctx, name); err != nil {
		return nil, err
	}
	return st, nil
}

// delete deletes the (empty) bucket name; its location is discovered when
// not given.
func (s *Service) delete(ctx context.Context, name string, opt pairServiceDelete) error {
	st, err := s.storage(ctx, name, opt.Location, "", false, StorageFeatures{}, false, DefaultStoragePairs{})
	if err != nil {
		return err
	}
	_, err = st.client.DeleteBucket(ctx, name)
	return err
}

// get returns the Storage of bucket name; its location is discovered when
// not given (which also checks that the bucket exists).
func (s *Service) get(ctx context.Context, name string, opt pairServiceGet) (types.Storager, error) {
	return s.storage(ctx, name, opt.Location, opt.WorkDir, opt.HasStorageFeatures, opt.StorageFeatures, opt.HasDefaultStoragePairs, opt.DefaultStoragePairs)
}

// bucketStatus is the cursor of a bucket listing: the next offset.
type bucketStatus struct {
	offset int
	done   bool
}

// ContinuationToken returns the offset of the next bucket to list.
func (b *bucketStatus) ContinuationToken() string { return fmt.Sprint(b.offset) }

// list lists every bucket of the account (in one zone with location),
// paging by offset until the server's total count is reached.
func (s *Service) list(ctx context.Context, opt pairServiceList) (*types.StoragerIterator, error) {
	st := &bucketStatus{}
	next := func(ctx context.Context, page *types.StoragerPage) error {
		if st.done {
			return types.IterateDone
		}
		out, err := s.client.ListBuckets(ctx, &qsapi.ListBucketsInput{Location: opt.Location, Limit: bucketPageSize, Offset: st.offset})
		if err != nil {
			return s.formatError("list", err, "")
		}
		for _, b := range out.Buckets {
			store, err := s.storage(ctx, b.Name, b.Location, "", false, StorageFeatures{}, false, DefaultStoragePairs{})
			if err != nil {
				return s.formatError("list", err, b.Name)
			}
			page.Data = append(page.Data, store)
		}
		st.offset += len(out.Buckets)
		if len(out.Buckets) == 0 || st.offset >= out.Count {
			st.done = true
			return types.IterateDone
		}
		return nil
	}
	return types.NewStoragerIterator(ctx, next, st), nil
}

// bucketPageSize is the page size of bucket listings (QingStor's default);
// a variable so tests can force many pages.
var bucketPageSize = 200
