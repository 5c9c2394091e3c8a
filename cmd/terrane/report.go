package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// The helpers the benchmark commands share: what machine they ran on and
// how their tables go into docs/benchmarks.md.

// cpuModel reads the CPU model name from /proc/cpuinfo, if there is one.
func cpuModel() string {
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(line, "model name") {
				if i := strings.Index(line, ":"); i >= 0 {
					return strings.TrimSpace(line[i+1:])
				}
			}
		}
	}
	if out, err := exec.Command("uname", "-m").Output(); err == nil {
		return strings.TrimSpace(string(out))
	}
	return "unknown CPU"
}

// loadAverage is the 1-, 5- and 15-minute load average from /proc/loadavg.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], ", ")
}

// writeSection replaces the text between `<!-- BEGIN name -->` and
// `<!-- END name -->` in the markdown file at path, appending the markers
// (and creating the file with a `# Benchmarks` title) when missing. The
// file is replaced atomically so a concurrent reader never sees half of it.
func writeSection(path, name, body string) error {
	begin, end := "<!-- BEGIN "+name+" -->", "<!-- END "+name+" -->"
	old, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		old = []byte("# Benchmarks\n")
	} else if err != nil {
		return err
	}
	section := begin + "\n" + strings.TrimRight(body, "\n") + "\n" + end
	var out []byte
	i := bytes.Index(old, []byte(begin))
	j := bytes.Index(old, []byte(end))
	if i >= 0 && j > i {
		out = append(append(append([]byte{}, old[:i]...), section...), old[j+len(end):]...)
	} else {
		out = append([]byte{}, bytes.TrimRight(old, "\n")...)
		out = append(out, "\n\n"+section+"\n"...)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	tmp := path + ".tmp-" + name
	if err := os.WriteFile(tmp, out, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
