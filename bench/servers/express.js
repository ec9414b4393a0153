// Bench baselines: the bench service hand-written with express 5 + express-openapi-validator + jsonwebtoken.
// `node express.js string` verifies tokens with the secret string (typical); `keyobject` with a prebuilt KeyObject (tuned);
// `bare`: express 5 alone on the same routes and handlers, no validation and no JWT (the owner is a fixed user): the
// ceiling of anything built on express.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { createSecretKey } = require('node:crypto');
const express = require('express');
const jwt = require('jsonwebtoken');
const yaml = require('js-yaml');
const OpenApiValidator = require('express-openapi-validator');
const { findItem, saveItem } = require('../fixtures/http-service/src/items');
const { announce } = require('./listen');

const serviceDir = path.join(__dirname, '..', 'fixtures', 'http-service');
const config = yaml.load(fs.readFileSync(path.join(serviceDir, 'pym-config.yaml'), 'utf8'));
const mode = process.argv[2];
if (mode !== 'string' && mode !== 'keyobject' && mode !== 'bare') {
  console.error('usage: node bench/servers/express.js string|keyobject|bare');
  process.exit(2);
}
const key = mode === 'string' ? config.jwt_secret : createSecretKey(Buffer.from(config.jwt_secret, 'utf8'));
/** The owner of the bare server's items: the `sub` of the bench's token, which the bare server does not read. */
const BARE_USER = 'bench-user';
const verifyOptions = { algorithms: ['HS256'], issuer: config.jwt_issuer, audience: config.jwt_audience };

function authenticate(req, res, next) {
  const header = req.headers.authorization;
  if (!header || !header.startsWith('Bearer ')) return res.status(401).json({ message: 'authorization header missing' });
  try {
    req.user = jwt.verify(header.slice(7), key, verifyOptions);
  } catch (error) {
    return res.status(401).json({ message: error.message });
  }
  next();
}

/** The caller: the verified token's `sub`, or the fixed user of the bare server. */
const ownerOf = (req) => (req.user ? req.user.sub : BARE_USER);

const app = express();
app.use(express.json());
if (mode !== 'bare') {
  app.use(authenticate);
  app.use(
    OpenApiValidator.middleware({
      apiSpec: path.join(serviceDir, 'apis', 'items.yaml'),
      validateRequests: true,
      validateResponses: true,
    }),
  );
}
app.get('/v1/items/:id', (req, res) => {
  res.json(findItem(req.params.id, ownerOf(req)));
});
app.post(['/v1/items', '/v1/items-plain'], (req, res) => {
  res.status(201).json(saveItem(req.body, ownerOf(req)));
});
app.use((err, req, res, _next) => {
  res.status(err.status || 500).json({ message: err.message, errors: err.errors });
});

announce(app);
