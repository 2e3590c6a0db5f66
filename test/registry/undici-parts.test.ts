import { describe, expect, it } from 'vitest';

// The HTTP client imports these modules of undici one by one, for its load time;
// they must stay the very classes and functions the package's index exports.
describe('the parts of undici the HTTP client imports', () => {
  it('are the package index exports', async () => {
    const undici = await import('undici');
    const agent = await import('undici/lib/dispatcher/agent.js');
    const request = await import('undici/lib/api/api-request.js');
    expect(agent.default).toBe(undici.Agent);
    expect(request.default).toBe(undici.Dispatcher.prototype.request);
  });
});
