package main

import (
	"bytes"
	"fmt"
	"io"
	"runtime/debug"
	"strings"
	"testing"

	"folio/internal/bundle"
)

// TestHelpExitsZero: every command answers -h, -help and --help (and "folio help CMD")
// with its usage on stdout, every flag it takes, and status 0.
func TestHelpExitsZero(t *testing.T) {
	flags := map[string][]string{
		"build":   buildFlagNames(t),
		"serve":   {"dir", "addr", "max-conns", "static", "watch"},
		"worker":  {"site", "out", "name"},
		"version": nil,
	}
	if len(flags) != len(commands) {
		t.Fatalf("the test knows %d commands, folio has %d", len(flags), len(commands))
	}
	for name, want := range flags {
		for _, args := range [][]string{{name, "-h"}, {name, "-help"}, {name, "--help"}, {"help", name}, {name, "-out", "x", "--help"}} {
			var stdout, stderr bytes.Buffer
			code := run(args, &stdout, &stderr)
			if code != 0 {
				t.Errorf("folio %s: exit %d, want 0\n%s", strings.Join(args, " "), code, stderr.String())
			}
			if stdout.Len() == 0 {
				t.Errorf("folio %s: no usage on stdout", strings.Join(args, " "))
			}
			for _, f := range want {
				if !strings.Contains(stdout.String(), "-"+f) {
					t.Errorf("folio %s: usage does not list -%s:\n%s", strings.Join(args, " "), f, stdout.String())
				}
			}
		}
	}
	for _, args := range [][]string{{"-h"}, {"--help"}, {"help"}} {
		var stdout, stderr bytes.Buffer
		if code := run(args, &stdout, &stderr); code != 0 || !strings.Contains(stdout.String(), "folio version") {
			t.Errorf("folio %s: exit %d, stdout %q", args[0], code, stdout.String())
		}
	}
}

// buildFlagNames lists the flags runBuild defines, by asking its usage through flag's own
// listing (so a new flag is checked without editing the test).
func buildFlagNames(t *testing.T) []string {
	t.Helper()
	var out bytes.Buffer
	runBuild([]string{"-h"}, io.Discard, &out)
	var names []string
	for _, line := range strings.Split(out.String(), "\n") {
		if f, ok := strings.CutPrefix(line, "  -"); ok {
			names = append(names, strings.Fields(f)[0])
		}
	}
	if len(names) < 12 {
		t.Fatalf("build lists only %d flags: %v", len(names), names)
	}
	return names
}

func TestUnknownCommandAndBadFlagsExitTwo(t *testing.T) {
	for _, args := range [][]string{{"frobnicate"}, {}, {"build", "-nope"}, {"version", "extra"}, {"serve", "-nope"}} {
		var stdout, stderr bytes.Buffer
		if code := run(args, &stdout, &stderr); code != 2 {
			t.Errorf("folio %v: exit %d, want 2", args, code)
		}
	}
}

func TestVersion(t *testing.T) {
	for _, args := range [][]string{{"version"}, {"--version"}} {
		var stdout, stderr bytes.Buffer
		if code := run(args, &stdout, &stderr); code != 0 {
			t.Fatalf("folio %v: exit %d\n%s", args, code, stderr.String())
		}
		want := fmt.Sprintf("bundle format: %s version %d", bundle.Format, bundle.Version)
		if !strings.HasPrefix(stdout.String(), "folio ") || !strings.Contains(stdout.String(), want) {
			t.Errorf("folio %v printed %q, want the module version and %q", args, stdout.String(), want)
		}
	}
	// What a binary built from a checkout says: its module version and VCS revision.
	info := &debug.BuildInfo{GoVersion: "go1.26.0", Main: debug.Module{Path: "folio", Version: "v0.3.0"},
		Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: "42e5ce4abc"}, {Key: "vcs.time", Value: "2026-12-03T17:00:00Z"}, {Key: "vcs.modified", Value: "true"}}}
	got := versionText(info, true)
	for _, w := range []string{"folio v0.3.0\n", "revision: 42e5ce4abc (with uncommitted changes) from 2026-12-03T17:00:00Z\n", "go: go1.26.0\n"} {
		if !strings.Contains(got, w) {
			t.Errorf("versionText = %q, want it to contain %q", got, w)
		}
	}
	if got := versionText(nil, false); !strings.Contains(got, "revision: (unknown)") {
		t.Errorf("without build info: %q", got)
	}
}
