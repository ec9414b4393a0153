// Bench target "pym": the bench service served by @pym/framework (createApp + listen); prints its port when listening.
'use strict';
const path = require('node:path');
const { createApp } = require('@pym/framework');
const { announce } = require('./listen');

async function main() {
  const configPath = path.join(__dirname, '..', 'fixtures', 'http-service', 'pym-config.yaml');
  const { app } = await createApp({ configPath });
  announce(app);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
