// A widget server in the shape of the real ones, for tests and benches: an npm
// `socket.io` server with a `/stats` namespace. It announces what it is told on stdin,
// one JSON object a line: {"emit": "stats_update" | "widget_opened", "payload": {...}}
// (to every socket of /stats), or {"exit": true}. It reports on stdout: "listening
// <port>", "connected <count>", "disconnected <count>", "emitted <n>".
//
//   node tests/js/lib/widget-server.mjs <port>
import { createServer } from 'node:http';
import { createInterface } from 'node:readline';
import { Server } from 'socket.io';

const port = Number(process.argv[2] ?? 0);
const http = createServer();
const io = new Server(http, { cors: { origin: '*' } });
const stats = io.of('/stats');
let connected = 0;
let emitted = 0;

stats.on('connection', (socket) => {
  connected += 1;
  console.log(`connected ${connected}`);
  socket.on('disconnect', () => {
    connected -= 1;
    console.log(`disconnected ${connected}`);
  });
});

createInterface({ input: process.stdin }).on('line', (line) => {
  if (!line.trim()) return;
  const command = JSON.parse(line);
  if (command.exit) process.exit(0);
  stats.emit(command.emit, command.payload);
  emitted += 1;
  console.log(`emitted ${emitted}`);
});

http.listen(port, '127.0.0.1', () => console.log(`listening ${http.address().port}`));
