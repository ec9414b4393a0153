// Bench target "pym": the bench service served by @pym/framework (createApp + listen); prints its port when listening.
// `--no-observability`: with metrics and tracing turned off.
// `--observability-pair`: two apps in this one process, each on a port of its own: pym as configured (metrics on,
// tracing API on) first, then with both off (bench/http.js --observability: the same process, so the same JIT state,
// heap and CPU for both, and a difference that is the per-request cost of metrics and tracing alone).
// `--control-pair US`: two apps in this one process, both with metrics and tracing off, each behind an outer express
// app whose first middleware spins US µs of CPU per request on the first app and none on the second (bench/http.js
// --observability-control: what the same ABBA blocks measure for a known cost, or for none with 0).
'use strict';
const path = require('node:path');
const express = require('express');
const { createApp } = require('@pym/framework');
const { announce, announcePair } = require('./listen');

const OFF = { metrics: { enabled: false }, tracing: { enabled: false } };

async function main() {
  const configPath = path.join(__dirname, '..', 'fixtures', 'http-service', 'pym-config.yaml');
  if (process.argv.includes('--observability-pair')) {
    const apps = [await createApp({ configPath }), await createApp({ configPath, overrides: OFF })];
    return announcePair(apps.map(({ app }) => app));
  }
  const control = process.argv.indexOf('--control-pair');
  if (control !== -1) {
    const spinMicroseconds = Number(process.argv[control + 1]);
    const apps = [await createApp({ configPath, overrides: OFF }), await createApp({ configPath, overrides: OFF })];
    return announcePair(apps.map(({ app }, index) => behindSpin(app, index === 0 ? spinMicroseconds : 0)));
  }
  const overrides = process.argv.includes('--no-observability') ? OFF : {};
  const { app } = await createApp({ configPath, overrides });
  return announce(app);
}

/** `app` behind an outer express app that first spins `microseconds` of CPU per request (none with 0). */
function behindSpin(app, microseconds) {
  const outer = express();
  outer.disable('x-powered-by');
  outer.use(function spin(_req, _res, next) {
    const until = performance.now() + microseconds / 1000;
    while (performance.now() < until); // the known cost: CPU, not a wait
    next();
  });
  outer.use(app);
  return outer;
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
