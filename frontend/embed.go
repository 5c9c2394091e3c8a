// Package frontend embeds the built web app (frontend/dist) so that
// `terrane serve` serves it without any other file. `npm run build` (or
// `make frontend`) writes dist/; without a build, dist holds only .keep.
package frontend

import (
	"embed"
	"io/fs"
)

// Dist is the built web app under the folder "dist".
//
//go:embed all:dist
var Dist embed.FS

// FS returns the dist subtree: index.html at its root, assets under assets/.
func FS() fs.FS {
	sub, err := fs.Sub(Dist, "dist")
	if err != nil {
		panic(err) // "dist" is a valid path; fs.Sub fails only on invalid paths
	}
	return sub
}

// Built reports whether the embedded tree holds a built app (index.html).
func Built() bool {
	_, err := fs.Stat(FS(), "index.html")
	return err == nil
}
