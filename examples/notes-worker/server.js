// The web service: reads what the worker writes into the shared database, with the psql client.
const http = require('http');
const { execFile } = require('child_process');

function query(sql, done) {
  execFile('psql', [process.env.DATABASE_URL, '--no-psqlrc', '-tAc', sql], { timeout: 5000 },
    (err, stdout, stderr) => done(err ? (stderr || err.message).trim() : null, stdout.trim()));
}

const server = http.createServer((req, res) => {
  if (req.url === '/healthz') {
    res.writeHead(200, { 'content-type': 'text/plain' });
    return res.end('ok');
  }
  query('select count(*) from ticks', (err, count) => {
    res.writeHead(err ? 500 : 200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(err ? { error: err } : { ticks: Number(count), servedBy: process.env.HELIX_INSTANCE_ID }));
  });
});

process.on('SIGTERM', () => server.close(() => process.exit(0)));
server.listen(Number(process.env.PORT), process.env.HOST || '127.0.0.1',
  () => console.log(`notes-worker web on ${process.env.PORT}`));
