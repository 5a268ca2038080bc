#!/usr/bin/env node
// `smt-agent` (docs/agent.md): the source in a checkout, dist/agent/smt-agent.mjs when installed
// (bin/launch.mjs).
import { launch } from './launch.mjs';

await launch('smt-agent', 'src-agent/cli.ts', 'dist/agent/smt-agent.mjs');
