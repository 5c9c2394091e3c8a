// Command gen writes the simulated sample company, sample.Generate on the
// sample's geography with sample.Seed, as the CSV files of
// data/sample/company/ (run from the module root: go run ./data/sample/gen).
// data/sample's tests check that the committed files are what it writes.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"github.com/terrane/terrane/data/sample"
)

func main() {
	dir := flag.String("dir", filepath.Join("data", "sample", "company"), "directory to write the files to")
	seed := flag.Uint64("seed", sample.Seed, "seed of the generator (the committed files use sample.Seed)")
	flag.Parse()
	if err := run(*dir, *seed); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(dir string, seed uint64) error {
	ds, err := sample.Geography()
	if err != nil {
		return err
	}
	co, err := sample.Generate(ds, seed)
	if err != nil {
		return err
	}
	files, err := co.Files()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if err := os.WriteFile(filepath.Join(dir, name), files[name], 0o644); err != nil {
			return err
		}
		fmt.Printf("%s: %d bytes\n", filepath.Join(dir, name), len(files[name]))
	}
	fmt.Printf("%d reps and managers, %d accounts, %d opportunities, %d history rows (seed %d)\n",
		len(co.Reps), len(co.Accounts), len(co.Opportunities), len(co.History), seed)
	return nil
}
