// Shared by the bench servers: listen on a free loopback port, print "listening on port N", exit cleanly on SIGTERM.
'use strict';

/** The line a server prints once it accepts connections; bench/http.js waits for it. */
const READY = /^listening on port (\d+)$/;
/** The line of a server serving two apps (one port each), printed once both accept connections. */
const READY_PAIR = /^listening on ports (\d+) (\d+)$/;

/** Listen with `app` (an Express app) on 127.0.0.1 and a free port; resolves with the port. */
function listen(app) {
  return new Promise((resolve) => {
    const server = app.listen(0, '127.0.0.1', () => resolve(server.address().port));
    server.keepAliveTimeout = 65_000;
  });
}

/** SIGTERM/SIGINT exit through process.exit so `node --cpu-prof` writes its profile. */
function exitOnSignals() {
  const stop = () => process.exit(0);
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

/** Listen with `app`, then print the ready line. */
async function announce(app) {
  exitOnSignals();
  const port = await listen(app);
  process.stdout.write(`listening on port ${port}\n`);
}

/** Listen with each of two apps on a port of its own, then print the pair's ready line (ports in the apps' order). */
async function announcePair(apps) {
  exitOnSignals();
  const ports = [];
  for (const app of apps) ports.push(await listen(app));
  process.stdout.write(`listening on ports ${ports.join(' ')}\n`);
}

module.exports = { announce, announcePair, READY, READY_PAIR };
