// api-types.mjs writes src/api-types.ts from ../api/openapi.json with
// openapi-typescript (pinned in package.json). openapi-typescript builds its
// output with the TypeScript 5 compiler API, which TypeScript 7 (the one the
// app compiles with) no longer has, so its `import 'typescript'` is resolved
// to the typescript-5 alias package by the hook below. Run: npm run generate.
import { register } from 'node:module';

register('./ts5-resolve.mjs', import.meta.url);
process.argv = [process.argv[0], 'openapi-typescript', '../api/openapi.json', '-o', 'src/api-types.ts'];
await import(new URL('../node_modules/openapi-typescript/bin/cli.js', import.meta.url).href);
