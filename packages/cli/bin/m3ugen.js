#!/usr/bin/env node
// Committed so the bin link exists right after install, before the build creates dist/.
import '../dist/bin.js';
