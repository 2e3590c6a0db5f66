/** An HTTP proxy on 127.0.0.1 for the tests: it tunnels CONNECT requests and records their targets; closed when the test finishes. */
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { onTestFinished } from 'vitest';

export async function connectProxy(): Promise<{ url: string; targets: string[] }> {
  const targets: string[] = [];
  const srv: Server = createServer((_req, res) => res.writeHead(501).end());
  srv.on('connect', (req, client, head) => {
    targets.push(req.url ?? '');
    const [host, port] = (req.url ?? '').split(':');
    const upstream = connect(Number(port), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  await new Promise<void>((ok) => srv.listen(0, '127.0.0.1', ok));
  onTestFinished(
    () =>
      new Promise<void>((ok) => {
        srv.closeAllConnections();
        srv.close(() => ok());
      }),
  );
  return { url: `http://127.0.0.1:${(srv.address() as AddressInfo).port}`, targets };
}
