'use strict';
const express = require('express');

const PORT = Number(process.env.PORT || 3000);
const HOST = process.env.HOST || '127.0.0.1';

const app = express();
app.get('/', (req, res) => res.json({ app: 'express-app', ok: true }));
app.get('/healthz', (req, res) => res.type('text/plain').send('ok'));

const server = app.listen(PORT, HOST, () => {
  console.log(`express-app listening on http://${HOST}:${PORT}`);
});

// Graceful stop: let in-flight requests finish, drop idle keep-alive sockets, never hang past 10 s.
process.on('SIGTERM', () => {
  console.log('SIGTERM received, closing');
  server.close(() => process.exit(0));
  server.closeIdleConnections();
  setTimeout(() => process.exit(0), 10_000).unref();
});
