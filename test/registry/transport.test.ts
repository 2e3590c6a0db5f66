import { describe, expect, it } from 'vitest';
import { bypassed, parseNoProxy } from '../../src/registry/transport.js';

// NO_PROXY as curl (and so cargo) reads it.
describe('NO_PROXY', () => {
  const cases: [string, string, boolean][] = [
    ['', 'https://index.crates.io/', false],
    ['*', 'https://index.crates.io/', true],
    ['crates.io', 'https://index.crates.io/', true],
    ['crates.io', 'https://crates.io/', true],
    ['.crates.io', 'https://index.crates.io/', true],
    ['*.crates.io', 'https://index.crates.io/', true],
    ['rates.io', 'https://index.crates.io/', false],
    ['index.crates.io:443', 'https://index.crates.io/', true],
    ['index.crates.io:8443', 'https://index.crates.io/', false],
    ['localhost, 127.0.0.1', 'http://127.0.0.1:8080/', true],
    ['localhost 127.0.0.1:8080', 'http://127.0.0.1:8080/', true],
    ['LOCALHOST', 'http://localhost/', true],
    ['[::1]', 'http://[::1]:3000/', true],
    ['example.com,other.org', 'https://registry.example.com/index/', true],
    ['example.com,other.org', 'https://example.net/', false],
  ];
  for (const [value, url, expected] of cases) {
    it(`${JSON.stringify(value)} ${expected ? 'names' : 'does not name'} ${url}`, () => {
      expect(bypassed(parseNoProxy(value), new URL(url))).toBe(expected);
    });
  }
});
