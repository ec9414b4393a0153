// Bench target "pym": the bench service served by @pym/framework (createApp + listen); prints its port when listening.
// `--no-observability`: with metrics and tracing turned off.
// `--observability-pair`: two apps in this one process, each on a port of its own: pym as configured (metrics on,
// tracing API on) first, then with both off (bench/http.js --observability: the same process, so the same JIT state,
// heap and CPU for both, and a difference that is the per-request cost of metrics and tracing alone).
'use strict';
const path = require('node:path');
const { createApp } = require('@pym/framework');
const { announce, announcePair } = require('./listen');

const OFF = { metrics: { enabled: false }, tracing: { enabled: false } };

async function main() {
  const configPath = path.join(__dirname, '..', 'fixtures', 'http-service', 'pym-config.yaml');
  if (process.argv.includes('--observability-pair')) {
    const apps = [await createApp({ configPath }), await createApp({ configPath, overrides: OFF })];
    return announcePair(apps.map(({ app }) => app));
  }
  const overrides = process.argv.includes('--no-observability') ? OFF : {};
  const { app } = await createApp({ configPath, overrides });
  return announce(app);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
