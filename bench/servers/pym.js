// Bench target "pym": the bench service served by @pym/framework (createApp + listen); prints its port when listening.
// `--no-observability`: with metrics and tracing turned off (bench/http.js --observability compares both).
'use strict';
const path = require('node:path');
const { createApp } = require('@pym/framework');
const { announce } = require('./listen');

async function main() {
  const configPath = path.join(__dirname, '..', 'fixtures', 'http-service', 'pym-config.yaml');
  const overrides = process.argv.includes('--no-observability') ? { metrics: { enabled: false }, tracing: { enabled: false } } : {};
  const { app } = await createApp({ configPath, overrides });
  announce(app);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
