#!/usr/bin/env node
// The installed `idnode` command: runs the compiled CLI (npm run build produces dist/).
import '../dist/cli/main.js';
