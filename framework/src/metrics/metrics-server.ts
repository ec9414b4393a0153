// A small HTTP server that only answers Prometheus scrapes (metrics.port, `pym worker --metrics-port`).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { RenderedMetrics } from './render-metrics';

/** Options of `serveMetrics`. */
export interface MetricsServerOptions {
  /** Renders one scrape. */
  render(): Promise<RenderedMetrics>;
  port: number;
  host: string;
  /** The path scrapes use, e.g. `/metrics`; anything else is a 404. */
  path: string;
  logger: Logger;
}

/** A listening metrics server. */
export interface RunningMetricsServer {
  /** e.g. `http://127.0.0.1:9464/metrics`. */
  url: string;
  close(): Promise<void>;
}

/** Listen for scrapes on their own port, so that the API's port (behind the load balancer) does not expose them. */
export async function serveMetrics(options: MetricsServerOptions): Promise<RunningMetricsServer> {
  const server: Server = createServer((req, res) => {
    const pathname = (req.url ?? '').split('?')[0];
    if (pathname !== options.path || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found\n');
      return;
    }
    options.render().then(
      ({ contentType, text }) => res.writeHead(200, { 'content-type': contentType }).end(req.method === 'HEAD' ? undefined : text),
      (error: Error) => {
        options.logger.error({ err: error }, 'metrics scrape failed');
        res.writeHead(500, { 'content-type': 'text/plain' }).end('Metrics could not be collected\n');
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host === '0.0.0.0' || host === '[::]' ? '127.0.0.1' : host}:${address.port}${options.path}`;
  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
