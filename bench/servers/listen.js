// Shared by the bench servers: listen on a free loopback port, print "listening on port N", exit cleanly on SIGTERM.
'use strict';

/** The line a server prints once it accepts connections; bench/http.js waits for it. */
const READY = /^listening on port (\d+)$/;

/**
 * Listen with `app` (an Express app) on 127.0.0.1 and a free port, then print the ready line.
 * SIGTERM/SIGINT exit through process.exit so `node --cpu-prof` writes its profile.
 */
function announce(app) {
  const server = app.listen(0, '127.0.0.1', () => {
    process.stdout.write(`listening on port ${server.address().port}\n`);
  });
  server.keepAliveTimeout = 65_000;
  const stop = () => process.exit(0);
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

module.exports = { announce, READY };
