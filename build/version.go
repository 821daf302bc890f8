package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"runtime"
	"runtime/debug"

	"folio/internal/bundle"
)

// runVersion prints the module version, the VCS revision the binary was built from and
// the bundle format it writes: what a bug report needs to name a build.
func runVersion(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("version", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		say(fs.Output(), "usage: folio version\n\nPrints the folio version, the source revision it was built from and the bundle format it writes. It takes no flags.\n")
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		say(stderr, "folio version: takes no arguments\n")
		return 2
	}
	say(stdout, "%s", versionText(debug.ReadBuildInfo()))
	return 0
}

// versionText formats what the build info says; ok is false in a binary built without
// module support, which still reports the bundle format.
func versionText(info *debug.BuildInfo, ok bool) string {
	module, revision, when, modified := "(unknown)", "(unknown)", "", false
	goVersion := runtime.Version()
	if ok {
		if info.Main.Version != "" {
			module = info.Main.Version
		}
		goVersion = info.GoVersion
		for _, s := range info.Settings {
			switch s.Key {
			case "vcs.revision":
				revision = s.Value
			case "vcs.time":
				when = s.Value
			case "vcs.modified":
				modified = s.Value == "true"
			}
		}
	}
	if modified {
		revision += " (with uncommitted changes)"
	}
	if when != "" {
		revision += " from " + when
	}
	return fmt.Sprintf("folio %s\nrevision: %s\nbundle format: %s version %d\ngo: %s\n",
		module, revision, bundle.Format, bundle.Version, goVersion)
}
