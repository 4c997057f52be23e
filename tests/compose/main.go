// Command validate loads a Compose file with compose-go, the loader Docker Compose itself uses:
// it validates against the Compose specification schema, interpolates ${VAR:-default} from the
// environment and the env files, applies the active profiles and checks consistency (unknown
// services, undeclared volumes, ...). It prints the resolved project as JSON, or the loader's
// error and exit status 1.
//
//	validate [-env-file FILE]... [-profile NAME]... COMPOSE_FILE
//
// Without -env-file, the .env beside the Compose file is read, as `docker compose -f` does.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/compose-spec/compose-go/v2/cli"
)

type repeated []string

func (r *repeated) String() string     { return strings.Join(*r, ",") }
func (r *repeated) Set(v string) error { *r = append(*r, v); return nil }

func main() {
	var envFiles, profiles repeated
	flag.Var(&envFiles, "env-file", "env file (repeatable; default: .env beside the Compose file)")
	flag.Var(&profiles, "profile", "profile to enable (repeatable)")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: validate [-env-file FILE]... [-profile NAME]... COMPOSE_FILE")
		os.Exit(2)
	}
	if err := run(flag.Arg(0), envFiles, profiles); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func run(file string, envFiles, profiles []string) error {
	abs, err := filepath.Abs(file)
	if err != nil {
		return err
	}
	opts, err := cli.NewProjectOptions([]string{abs},
		// The project directory is the Compose file's own, so relative paths and the default
		// .env resolve as they do for `docker compose -f docker/docker-compose.yml`.
		cli.WithWorkingDirectory(filepath.Dir(abs)),
		cli.WithOsEnv,
		cli.WithEnvFiles(envFiles...),
		cli.WithDotEnv,
		cli.WithProfiles(profiles),
	)
	if err != nil {
		return err
	}
	project, err := opts.LoadProject(context.Background())
	if err != nil {
		return err
	}
	out, err := project.MarshalJSON()
	if err != nil {
		return err
	}
	_, err = os.Stdout.Write(append(out, '\n'))
	return err
}
