import type net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { WireFrame } from '../../server/collab/connection.js';

// A broadcast's frame is framed once and written to each reader's TCP socket as is: a real `ws`
// client must read exactly the payload, at every length encoding (7, 16 and 64 bits).
describe('WireFrame', () => {
  let server: WebSocketServer | undefined;
  afterEach(async () => {
    for (const client of server?.clients ?? []) client.terminate();
    await new Promise((resolve) => server?.close(resolve));
  });

  it('is read by a ws client as the same binary message, in order with ws sends, at every length encoding', async () => {
    server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await new Promise((resolve) => server!.once('listening', resolve));
    const sizes = [0, 1, 125, 126, 65_535, 65_536, 200_000];
    const payloads = sizes.map((n) => {
      const payload = new Uint8Array(n);
      for (let i = 0; i < n; i++) payload[i] = (i * 31 + n) & 0xff;
      return payload;
    });
    server.once('connection', (socket) => {
      const raw = (socket as unknown as { _socket: net.Socket })._socket;
      socket.send(Buffer.from('first through ws'));
      for (const payload of payloads) raw.write(new WireFrame(payload).bytes);
      socket.send(Buffer.from('last through ws'));
    });
    const client = new WebSocket(`ws://127.0.0.1:${(server.address() as net.AddressInfo).port}`);
    const received: Array<{ data: Buffer; binary: boolean }> = [];
    await new Promise<void>((resolve, reject) => {
      client.on('error', reject);
      client.on('message', (data: Buffer, binary) => {
        received.push({ data, binary });
        if (received.length === payloads.length + 2) resolve();
      });
    });
    client.terminate();
    expect(received.map((m) => m.binary)).toEqual(new Array(payloads.length + 2).fill(true));
    expect(received[0]!.data.toString()).toBe('first through ws');
    expect(received.at(-1)!.data.toString()).toBe('last through ws');
    expect(received.slice(1, -1).map((m, i) => m.data.equals(payloads[i]!))).toEqual(sizes.map(() => true));
  });

  it('keeps the payload it was made from', () => {
    const payload = Uint8Array.of(0, 0, 1, 7);
    const frame = new WireFrame(payload);
    expect(frame.payload).toBe(payload);
    expect([...frame.bytes]).toEqual([0x82, 4, 0, 0, 1, 7]);
  });
});
