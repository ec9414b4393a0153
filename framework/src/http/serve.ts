// serve: listen on a port and shut down gracefully (stop accepting, finish in-flight requests, bounded).
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import type { Logger } from 'pino';
import { closeConnectionsAfterResponses } from './http-server';

/** Options of `serve`. */
export interface ServeOptions {
  port: number;
  host: string;
  logger: Logger;
  /** Seconds to wait for in-flight requests on close before cutting them. */
  shutdownTimeout: number;
}

/** A listening server. */
export interface RunningServer {
  server: Server;
  /** e.g. `http://127.0.0.1:8080`. */
  url: string;
  /**
   * Stop accepting connections, let in-flight requests finish (up to the shutdown timeout), then close.
   * Resolves true when every request finished in time.
   */
  close(): Promise<boolean>;
}

/** Listen with the app; resolves once the port is bound. */
export async function serve(app: Express, options: ServeOptions): Promise<RunningServer> {
  const server = await new Promise<Server>((resolve, reject) => {
    const listening = app.listen(options.port, options.host, (error?: Error) => (error ? reject(error) : resolve(listening)));
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host === '0.0.0.0' || host === '[::]' ? '127.0.0.1' : host}:${address.port}`;
  let closing: Promise<boolean> | undefined;
  const close = (): Promise<boolean> => {
    closing ??= new Promise<boolean>((resolve) => {
      const deadline = setTimeout(() => {
        options.logger.warn({ timeoutSeconds: options.shutdownTimeout }, 'shutdown timeout: closing remaining connections');
        server.closeAllConnections();
        resolve(false);
      }, options.shutdownTimeout * 1000);
      deadline.unref();
      server.close(() => {
        clearTimeout(deadline);
        resolve(true);
      });
      // Idle keep-alive sockets would hold close() open; busy ones close after their response.
      closeConnectionsAfterResponses(server);
      server.closeIdleConnections();
    });
    return closing;
  };
  return { server, url, close };
}
