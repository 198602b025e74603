// The bench's peer: the old system's way of telling dashboards, in the same run as
// chatpulse. A Node.js Socket.IO server (npm `socket.io`, as the old stats server) that,
// for each ingest request, inserts its events into PostgreSQL (npm `pg`) and then emits
// `stats_update` to every socket of `/dashboard`. It takes any POST as an ingest and any
// token, so the bench drives and watches it exactly as it does chatpulse.
//
//   node benches/peer/old-stats-server.mjs <port> <postgres url>
// prints "listening <port>" once it accepts connections.
import { createServer } from 'node:http';
import pg from 'pg';
import { Server } from 'socket.io';

const [port = '0', url] = process.argv.slice(2);
const pool = new pg.Pool({ connectionString: url, max: 4 });
await pool.query(`CREATE TABLE IF NOT EXISTS peer_events (
  id BIGSERIAL PRIMARY KEY, channel TEXT NOT NULL, user_id TEXT NOT NULL, type TEXT NOT NULL,
  sender TEXT, at TIMESTAMPTZ NOT NULL DEFAULT now(), body JSONB NOT NULL)`);
let version = 0;

const http = createServer(async (request, response) => {
  if (request.method !== 'POST') {
    response.writeHead(404).end();
    return;
  }
  let body = '';
  for await (const chunk of request) body += chunk;
  const events = [].concat(JSON.parse(body));
  for (const event of events) {
    await pool.query(
      'INSERT INTO peer_events (channel, user_id, type, sender, body) VALUES ($1, $2, $3, $4, $5)',
      [event.channel, event.user_id, event.type, event.sender ?? null, event],
    );
  }
  version += events.length;
  dashboard.emit('stats_update', { version, channel: events[0]?.channel ?? 'web' });
  response.writeHead(202).end();
});
const io = new Server(http, { cors: { origin: '*' } });
const dashboard = io.of('/dashboard');

http.listen(Number(port), '127.0.0.1', () => console.log(`listening ${http.address().port}`));
