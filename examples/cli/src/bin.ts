#!/usr/bin/env node
import { main } from './program.js';
import { quietBrokenPipe } from './quiet-broken-pipe.js';

quietBrokenPipe();
await main(process.argv);
