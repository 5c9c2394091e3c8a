// Command terrane is the one binary of Terrane: it serves the API and the web
// app, imports data, solves allocation and alignment problems and runs
// benchmarks. Each subcommand lives in its own file and registers itself in
// init, so subcommands can be added without touching this file.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"
)

// command is one subcommand: a path such as "serve" or "solve allocate", a
// one-line summary, and the function that runs it with the remaining args.
type command struct {
	path    string
	summary string
	run     func(ctx context.Context, env *environment, args []string) error
}

// environment is what a subcommand may touch of the process: its streams and
// its environment variables, so tests can run subcommands in-process.
type environment struct {
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	getenv func(string) string
}

var commands = map[string]command{}

// register adds a subcommand; called from init functions.
func register(c command) {
	if _, dup := commands[c.path]; dup {
		panic("terrane: duplicate command " + c.path)
	}
	commands[c.path] = c
}

// errUsage marks an error caused by wrong command-line usage (exit status 2).
var errUsage = errors.New("usage")

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	env := &environment{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv}
	err := run(ctx, env, os.Args[1:])
	stop()
	if errors.Is(err, flag.ErrHelp) {
		return // --help: the command printed its usage
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "terrane:", oneLine(err))
		if errors.Is(err, errUsage) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}

// run finds the longest registered command path that prefixes args and runs it.
func run(ctx context.Context, env *environment, args []string) error {
	for n := min(len(args), 3); n >= 1; n-- {
		if c, ok := commands[strings.Join(args[:n], " ")]; ok {
			return c.run(ctx, env, args[n:])
		}
	}
	usage(env.stderr)
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		if len(args) == 0 {
			return fmt.Errorf("%w: no command given", errUsage)
		}
		return nil
	}
	return fmt.Errorf("%w: unknown command %q", errUsage, strings.Join(args, " "))
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: terrane <command> [flags]\n\ncommands:")
	paths := make([]string, 0, len(commands))
	for p := range commands {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		fmt.Fprintf(w, "  %-18s %s\n", p, commands[p].summary)
	}
}

// oneLine keeps error output to one line, as operators read it in logs.
func oneLine(err error) string {
	return strings.Join(strings.Fields(strings.ReplaceAll(err.Error(), "\n", "; ")), " ")
}
