#!/usr/bin/env node
// `smt` (docs/cli.md): the source in a checkout, dist/cli/smt.mjs when installed (bin/launch.mjs).
import { launch } from './launch.mjs';

await launch('smt', 'src-main/cli/cli.ts', 'dist/cli/smt.mjs');
