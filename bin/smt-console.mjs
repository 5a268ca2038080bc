#!/usr/bin/env node
// `smt-console`: the browser host (docs/architecture.md), the console's UI in a local browser; the source
// in a checkout (`npm run host`), dist/host/host.mjs when installed (bin/launch.mjs).
import { launch } from './launch.mjs';

await launch('smt-console', 'src-main/host/cli.ts', 'dist/host/host.mjs');
