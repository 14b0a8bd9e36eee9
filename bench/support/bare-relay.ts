/**
 * The baseline: a bare `ws` relay. Each path is a room; every frame a socket sends is forwarded
 * to the other sockets of its room, unchanged. No Yjs, no database, no auth. Runs in-process
 * (`startBareRelay`) or as its own process (`PORT=… node --import tsx bench/support/bare-relay.ts`).
 */
import http from 'node:http';
import type net from 'node:net';
import { fileURLToPath } from 'node:url';
import { WebSocketServer, type WebSocket } from 'ws';

export async function startBareRelay(port = 0): Promise<{ port: number; close(): Promise<void> }> {
  const server = http.createServer((_request, response) => response.end('ok'));
  const wss = new WebSocketServer({ server, perMessageDeflate: false });
  const rooms = new Map<string, Set<WebSocket>>();
  wss.on('connection', (socket, request) => {
    const name = request.url ?? '/';
    let room = rooms.get(name);
    if (!room) rooms.set(name, (room = new Set()));
    const members = room;
    members.add(socket);
    socket.on('message', (data, isBinary) => {
      for (const other of members) if (other !== socket && other.readyState === other.OPEN) other.send(data, { binary: isBinary });
    });
    socket.on('close', () => members.delete(socket));
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    async close() {
      for (const client of wss.clients) client.terminate();
      await new Promise((resolve) => wss.close(resolve));
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const relay = await startBareRelay(Number(process.env.PORT ?? 0));
  console.log(`bare relay on ${relay.port}`);
  process.once('SIGTERM', () => void relay.close().then(() => process.exit(0)));
}
