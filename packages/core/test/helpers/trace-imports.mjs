// Registers module hooks that append every module URL Node loads to the file named by TRACE_IMPORTS_FILE.
import { register } from 'node:module';

register(
  `data:text/javascript,${encodeURIComponent(`
import { appendFileSync } from 'node:fs';
export async function load(url, context, next) {
  appendFileSync(process.env.TRACE_IMPORTS_FILE, url + '\\n');
  return next(url, context);
}
`)}`,
  import.meta.url,
);
