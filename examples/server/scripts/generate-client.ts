import { writeFile } from 'node:fs/promises';
import { openApiTypes, openApiTypesFile } from './openapi-document.js';

await writeFile(openApiTypesFile, await openApiTypes());
process.stdout.write(`wrote ${openApiTypesFile}\n`);
