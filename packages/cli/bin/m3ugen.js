#!/usr/bin/env -S node --max-semi-space-size=4
// Committed so the bin link exists right after install, before the build creates dist/.
// The flag caps V8's young generation at 4 MB per semi-space (default 16): streaming 1M
// channels NDJSON → file then peaks at ~100 MB instead of ~120 MB, at the same speed
// (docs/performance.md). It costs ~40 ms at start-up: with any V8 flag set, Node 20
// compiles its own modules without their code cache. pnpm's and npm's bin shims
// pass shebang flags on.
import '../dist/bin.js';
