import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createOutput } from '../src/output.js';

function capture() {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (chunk: Buffer) => {
    text += chunk.toString('utf8');
  });
  return { stream, text: () => text };
}

describe('createOutput', () => {
  it('in JSON mode keeps stdout for the one JSON result, labelled as a sandbox, and scrubs secrets everywhere', () => {
    const stdout = capture();
    const stderr = capture();
    const out = createOutput({ json: true, secrets: ['sk-123'], stdout: stdout.stream, stderr: stderr.stream });
    out.sandboxBanner('sandbox at http://127.0.0.1:1');
    out.line('using key sk-123');
    out.warn('careful');
    out.result({ key: 'sk-123', n: 1 }, () => out.line('human only'));
    expect(JSON.parse(stdout.text())).toEqual({ sandbox: true, key: '***', n: 1 });
    expect(stderr.text()).toContain('SANDBOX');
    expect(stderr.text()).toContain('using key ***');
    expect(stderr.text()).not.toContain('sk-123');
    expect(stderr.text()).not.toContain('human only');
  });

  it('in human mode prints lines and the human result on stdout, the banner once', () => {
    const stdout = capture();
    const stderr = capture();
    const out = createOutput({ json: false, secrets: [], stdout: stdout.stream, stderr: stderr.stream });
    out.sandboxBanner('one');
    out.sandboxBanner('two');
    out.result({ a: 1 }, () => out.line('human'));
    expect(stdout.text().match(/SANDBOX/g)).toHaveLength(1);
    expect(stdout.text()).toContain('human');
    expect(stdout.text()).not.toContain('"a"');
    expect(out.sandbox).toBe(true);
  });
});
