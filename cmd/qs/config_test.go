package main

import (
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestConfigLayers: file, then environment, then flags.
func TestConfigLayers(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "config.yaml")
	os.WriteFile(p, []byte("access_key_id: FILEAK\nsecret_access_key: FILESK\nhost: files.example.com\nport: 8443\nprotocol: https\nzone: pek3a\nenable_virtual_host_style: true\n"), 0o600)
	env := map[string]string{envConfigPath: p, envSecretAccessKey: "ENVSK", envZone: "sh1a"}
	getenv := func(k string) string { return env[k] }
	flags := configFlags{host: "flag.example.com", set: func(n string) bool { return n == "host" }}
	c, err := loadConfig(flags, getenv)
	if err != nil {
		t.Fatal(err)
	}
	if c.AccessKeyID != "FILEAK" || c.SecretAccessKey != "ENVSK" || c.Host != "flag.example.com" || c.Port != 8443 ||
		c.Zone != "sh1a" || !c.EnableVirtualHostStyle || c.Source != p {
		t.Errorf("config %+v", c)
	}
	env[envPort] = "http"
	if _, err := loadConfig(configFlags{}, getenv); err == nil || !strings.Contains(err.Error(), "QINGSTOR_PORT") {
		t.Errorf("bad port: %v", err)
	}
	delete(env, envPort)
	env[envConfigPath] = filepath.Join(dir, "missing.yaml")
	if _, err := loadConfig(configFlags{}, getenv); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing named file: %v", err)
	}
	delete(env, envConfigPath)
	t.Setenv("HOME", dir)
	t.Setenv("XDG_CONFIG_HOME", "")
	c, err = loadConfig(configFlags{}, getenv)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.requireCredentials(); !errors.Is(err, errNoCredentials) {
		t.Errorf("no key: %v", err)
	}
	os.MkdirAll(filepath.Join(dir, ".config", "qingstor"), 0o755)
	os.WriteFile(filepath.Join(dir, ".config", "qingstor", "config.yaml"), []byte("access_key_id: XDGAK\nsecret_access_key: XDGSK\n"), 0o600)
	c, err = loadConfig(configFlags{}, getenv)
	if err != nil || c.AccessKeyID != "XDGAK" || c.Port != 443 || c.Protocol != "https" {
		t.Errorf("~/.config/qingstor: %+v, %v", c, err)
	}
}

// TestConfigLogLevel: log_level values of QingStor configurations map to
// slog levels; anything else is an error naming the setting.
func TestConfigLogLevel(t *testing.T) {
	for v, want := range map[string]slog.Level{"": slog.LevelWarn, "debug": slog.LevelDebug, "INFO": slog.LevelInfo,
		"warn": slog.LevelWarn, "error": slog.LevelError, "fatal": slog.LevelError} {
		c := &config{Protocol: "https", Host: "qingstor.com", LogLevel: v}
		if err := c.validate(); err != nil || c.logLevel != want {
			t.Errorf("log_level %q: %v, %v; want %v", v, c.logLevel, err, want)
		}
	}
	c := &config{Protocol: "https", Host: "qingstor.com", LogLevel: "verbose"}
	if err := c.validate(); err == nil || !strings.Contains(err.Error(), `log_level "verbose"`) {
		t.Errorf("bad log_level: %v", err)
	}
}

// TestConfigQsctlHabits: /etc/qingstor/config.yaml is read when the home
// has none, and QSCTL_* variables stand in for unset QINGSTOR_* ones.
func TestConfigQsctlHabits(t *testing.T) {
	dir := t.TempDir()
	sys := filepath.Join(dir, "etc-config.yaml")
	os.WriteFile(sys, []byte("access_key_id: SYSAK\nsecret_access_key: SYSSK\nzone: gd2\n"), 0o600)
	old := systemConfig
	systemConfig = sys
	t.Cleanup(func() { systemConfig = old })
	t.Setenv("HOME", dir)
	t.Setenv("XDG_CONFIG_HOME", "")
	env := map[string]string{"QSCTL_ZONE": "sh1a", "QSCTL_HOST": "qsctl.example.com", envHost: "qingstor.example.com",
		"QSCTL_PORT": "8080", "QSCTL_PROTOCOL": "http"}
	c, err := loadConfig(configFlags{}, func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	if c.Source != sys || c.AccessKeyID != "SYSAK" || c.Zone != "sh1a" || c.Host != "qingstor.example.com" ||
		c.Port != 8080 || c.Protocol != "http" {
		t.Errorf("config %+v", c)
	}
}
