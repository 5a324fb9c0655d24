package main

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// config is where qs sends its requests and with which keys: the QingStor
// client configuration users already have (~/.qingstor/config.yaml), then
// QINGSTOR_* environment variables, then command-line flags, each layer
// overriding the one before. A --connection-string replaces all of it.
type config struct {
	AccessKeyID            string `yaml:"access_key_id"`
	SecretAccessKey        string `yaml:"secret_access_key"`
	Host                   string `yaml:"host"`
	Port                   int    `yaml:"port"`
	Protocol               string `yaml:"protocol"`
	Zone                   string `yaml:"zone"`
	EnableVirtualHostStyle bool   `yaml:"enable_virtual_host_style"`
	DisableURICleaning     bool   `yaml:"disable_uri_cleaning"`
	ConnectionRetries      int    `yaml:"connection_retries"`
	// LogLevel is the level of qs's log on stderr: debug (every request,
	// secrets removed), info, warn (the default), error or fatal (as
	// error). --debug overrides it.
	LogLevel string `yaml:"log_level"`
	// logLevel is LogLevel parsed by validate.
	logLevel slog.Level

	// ConnectionString, when set, is a go-storage connection string
	// ("qingstor://?credential=hmac:AK:SK&endpoint=http:127.0.0.1:9000");
	// its name and work dir are replaced by each URL's bucket.
	ConnectionString string `yaml:"-"`
	// Source says where the configuration file came from ("" if none).
	Source string `yaml:"-"`
}

// Environment variables qs reads; the first two are the QingStor SDK's.
const (
	envAccessKeyID      = "QINGSTOR_ACCESS_KEY_ID"
	envSecretAccessKey  = "QINGSTOR_SECRET_ACCESS_KEY"
	envConfigPath       = "QINGSTOR_CONFIG_PATH"
	envHost             = "QINGSTOR_HOST"
	envPort             = "QINGSTOR_PORT"
	envProtocol         = "QINGSTOR_PROTOCOL"
	envZone             = "QINGSTOR_ZONE"
	envVirtualHostStyle = "QINGSTOR_ENABLE_VIRTUAL_HOST_STYLE"
	envDisableCleaning  = "QINGSTOR_DISABLE_URI_CLEANING"
	envConnectionString = "QINGSTOR_CONNECTION_STRING"
	envLogLevel         = "QINGSTOR_LOG_LEVEL"
)

// qsctlEnv maps the variables qsctl read (its settings' names with the
// QSCTL_ prefix) to the QINGSTOR_* variable each stands in for; a QINGSTOR_*
// variable wins over its QSCTL_* twin.
var qsctlEnv = map[string]string{
	"QSCTL_ACCESS_KEY_ID":     envAccessKeyID,
	"QSCTL_SECRET_ACCESS_KEY": envSecretAccessKey,
	"QSCTL_HOST":              envHost,
	"QSCTL_PORT":              envPort,
	"QSCTL_PROTOCOL":          envProtocol,
	"QSCTL_ZONE":              envZone,
}

// withQsctlEnv returns getenv answering each QINGSTOR_* variable that is
// unset with its QSCTL_* twin.
func withQsctlEnv(getenv func(string) string) func(string) string {
	twin := make(map[string]string, len(qsctlEnv))
	for q, name := range qsctlEnv {
		twin[name] = q
	}
	return func(name string) string {
		if v := getenv(name); v != "" {
			return v
		}
		if q, ok := twin[name]; ok {
			return getenv(q)
		}
		return ""
	}
}

// systemConfig is the system-wide configuration file, read last (as qsctl
// did); a variable for tests.
var systemConfig = "/etc/qingstor/config.yaml"

// configFlags are the global flags that override the configuration.
type configFlags struct {
	configPath       string
	connectionString string
	accessKeyID      string
	secretAccessKey  string
	host             string
	port             int
	protocol         string
	zone             string
	virtualHostStyle bool
	disableCleaning  bool
	// set reports whether a flag was given on the command line.
	set func(name string) bool
}

// errNoCredentials is returned when no layer gives an access key.
var errNoCredentials = errors.New("no QingStor credentials configured")

// configCandidates lists the files looked for, in order, when neither
// --config nor QINGSTOR_CONFIG_PATH names one.
func configCandidates() []string {
	var out []string
	if h, err := os.UserHomeDir(); err == nil {
		out = append(out, filepath.Join(h, ".qingstor", "config.yaml"))
	}
	if d := os.Getenv("XDG_CONFIG_HOME"); d != "" {
		out = append(out, filepath.Join(d, "qingstor", "config.yaml"))
	} else if h, err := os.UserHomeDir(); err == nil {
		out = append(out, filepath.Join(h, ".config", "qingstor", "config.yaml"))
	}
	return append(out, systemConfig)
}

// loadConfig builds the configuration from file, environment and flags.
// A file named explicitly (flag or QINGSTOR_CONFIG_PATH) must exist; the
// default locations are optional.
func loadConfig(f configFlags, getenv func(string) string) (*config, error) {
	getenv = withQsctlEnv(getenv)
	c := &config{Protocol: "https", Host: "qingstor.com"}
	if f.set != nil && f.set("connection-string") || getenv(envConnectionString) != "" {
		// A connection string replaces the files; environment and flags
		// still set the zone and addressing.
		if err := c.applyEnv(getenv); err != nil {
			return nil, err
		}
		c.applyFlags(f)
		return c, c.validate()
	}
	path, explicit := f.configPath, true
	if path == "" {
		path = getenv(envConfigPath)
	}
	if path == "" {
		explicit = false
		for _, p := range configCandidates() {
			if _, err := os.Stat(p); err == nil {
				path = p
				break
			}
		}
	}
	if path != "" {
		if err := c.readFile(path); err != nil {
			if explicit || !errors.Is(err, os.ErrNotExist) {
				return nil, err
			}
		}
	}
	if err := c.applyEnv(getenv); err != nil {
		return nil, err
	}
	c.applyFlags(f)
	if err := c.validate(); err != nil {
		return nil, err
	}
	return c, nil
}

// readFile reads one QingStor YAML configuration file into c.
func (c *config) readFile(path string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("read config file: %w", err)
	}
	if err := yaml.Unmarshal(b, c); err != nil {
		return fmt.Errorf("config file %s is not valid YAML for QingStor: %w", path, err)
	}
	c.Source = path
	return nil
}

// applyEnv overrides c with the QINGSTOR_* environment variables.
func (c *config) applyEnv(getenv func(string) string) error {
	setStr := func(dst *string, name string) {
		if v := getenv(name); v != "" {
			*dst = v
		}
	}
	setStr(&c.AccessKeyID, envAccessKeyID)
	setStr(&c.SecretAccessKey, envSecretAccessKey)
	setStr(&c.Host, envHost)
	setStr(&c.Protocol, envProtocol)
	setStr(&c.Zone, envZone)
	setStr(&c.ConnectionString, envConnectionString)
	setStr(&c.LogLevel, envLogLevel)
	if v := getenv(envPort); v != "" {
		p, err := strconv.Atoi(v)
		if err != nil {
			return fmt.Errorf("%s=%q is not a port number", envPort, v)
		}
		c.Port = p
	}
	for name, dst := range map[string]*bool{envVirtualHostStyle: &c.EnableVirtualHostStyle, envDisableCleaning: &c.DisableURICleaning} {
		if v := getenv(name); v != "" {
			b, err := strconv.ParseBool(v)
			if err != nil {
				return fmt.Errorf("%s=%q is not true or false", name, v)
			}
			*dst = b
		}
	}
	return nil
}

// applyFlags overrides c with the flags given on the command line.
func (c *config) applyFlags(f configFlags) {
	set := f.set
	if set == nil {
		set = func(string) bool { return false }
	}
	if set("access-key-id") {
		c.AccessKeyID = f.accessKeyID
	}
	if set("secret-access-key") {
		c.SecretAccessKey = f.secretAccessKey
	}
	if set("host") {
		c.Host = f.host
	}
	if set("port") {
		c.Port = f.port
	}
	if set("protocol") {
		c.Protocol = f.protocol
	}
	if set("zone") {
		c.Zone = f.zone
	}
	if set("enable-virtual-host-style") {
		c.EnableVirtualHostStyle = f.virtualHostStyle
	}
	if set("disable-uri-cleaning") {
		c.DisableURICleaning = f.disableCleaning
	}
	if set("connection-string") {
		c.ConnectionString = f.connectionString
	}
}

// logLevels maps the log_level values of QingStor SDK configurations to
// slog levels.
var logLevels = map[string]slog.Level{"debug": slog.LevelDebug, "info": slog.LevelInfo,
	"warn": slog.LevelWarn, "warning": slog.LevelWarn, "error": slog.LevelError, "fatal": slog.LevelError}

// validate checks the values a request needs, naming the setting at fault.
func (c *config) validate() error {
	c.logLevel = slog.LevelWarn
	if c.LogLevel != "" {
		l, ok := logLevels[strings.ToLower(c.LogLevel)]
		if !ok {
			return fmt.Errorf("log_level %q: use debug, info, warn, error or fatal", c.LogLevel)
		}
		c.logLevel = l
	}
	if c.ConnectionString != "" {
		return nil
	}
	c.Protocol = strings.ToLower(c.Protocol)
	if c.Protocol != "http" && c.Protocol != "https" {
		return fmt.Errorf("protocol %q: use http or https", c.Protocol)
	}
	if c.Host == "" || strings.ContainsAny(c.Host, "/: ") && net.ParseIP(c.Host) == nil {
		return fmt.Errorf("host %q: give a host name without scheme, port or path (e.g. qingstor.com)", c.Host)
	}
	if c.Port < 0 || c.Port > 65535 {
		return fmt.Errorf("port %d is outside 0..65535", c.Port)
	}
	if c.Port == 0 {
		c.Port = 443
		if c.Protocol == "http" {
			c.Port = 80
		}
	}
	return nil
}

// requireCredentials returns a readable error when no access key is set.
func (c *config) requireCredentials() error {
	if c.ConnectionString != "" {
		return nil
	}
	if c.AccessKeyID == "" || c.SecretAccessKey == "" {
		where := "no configuration file found (looked for " + strings.Join(configCandidates(), ", ") + ")"
		if c.Source != "" {
			where = c.Source + " has no access_key_id/secret_access_key"
		}
		return fmt.Errorf("%w: %s; set them there, or set %s and %s, or pass --access-key-id and --secret-access-key, or --connection-string",
			errNoCredentials, where, envAccessKeyID, envSecretAccessKey)
	}
	return nil
}
