#!/usr/bin/env node
// Committed so the bin link exists right after install, before the build creates dist/.
// No Node flags here: any V8 flag costs Node 20 ~40 ms at start-up, and `env -S` is
// missing from busybox. The young generation is held small from inside (young-generation.ts).
import '../dist/bin.js';
