package main

import (
	"io/fs"

	"github.com/terrane/terrane/frontend"
)

// webApp is the built web app to serve at /; the API explains how to build
// it when dist/ holds no index.html.
func webApp() fs.FS { return frontend.FS() }
