'use strict';
// The smallest HelixStack app. Tests make v2/v3 copies by rewriting the one line in VERSION.
const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');

const VERSION = fs.readFileSync(path.join(__dirname, 'VERSION'), 'utf8').trim();
const PORT = Number(process.env.PORT || 3000);
const HOST = process.env.HOST || '127.0.0.1';

const server = http.createServer((req, res) => {
  // x-helix-instance lets a client see which instance answered (a restart changes it).
  res.writeHead(200, {
    'content-type': 'text/plain; charset=utf-8',
    'x-helix-instance': process.env.HELIX_INSTANCE_ID || 'local',
  });
  res.end(`Hello from HelixStack ${VERSION}`);
});

server.listen(PORT, HOST, () => {
  console.log(`hello-node ${VERSION} listening on http://${HOST}:${PORT}`);
});

// Graceful stop: finish in-flight requests, close idle keep-alive sockets so close() can complete,
// and give up after 10 s rather than hang the platform's drain.
process.on('SIGTERM', () => {
  console.log('SIGTERM received, closing');
  server.close(() => process.exit(0));
  server.closeIdleConnections();
  setTimeout(() => process.exit(0), 10_000).unref();
});
