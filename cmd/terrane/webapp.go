package main

import "io/fs"

// webApp is the built web app to serve at /, or nil when it is not built.
// frontend.go replaces it once the frontend package exists.
var webApp = func() fs.FS { return nil }
