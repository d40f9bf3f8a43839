#!/usr/bin/env node
// The `gochat` command: the appliance's CLI is TypeScript, loaded through tsx so no build step is needed.
import { register } from 'tsx/esm/api';

register();
await import(new URL('../appliance/cli/main.ts', import.meta.url).href);
