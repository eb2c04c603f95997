#!/usr/bin/env node
// The package's command line (see cli/main.ts): `version-gatekeeper doctor <url>`.
import { main } from '../dist/cli/main.js'

process.exitCode = await main(process.argv.slice(2))
