import { ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { Agent, IncomingHttpHeaders, request } from 'node:http';
import { connect, createServer, Socket } from 'node:net';
import { join } from 'node:path';
import { OWNER } from '../../support/app';

const ROOT = join(__dirname, '..', '..', '..');
/** The service's shutdown bound in this test: SHUTDOWN_TIMEOUT_MS, its default (10 s; closing the service's queues, Redis and pool takes 5–8 s on this 2-core machine). */
const SHUTDOWN_TIMEOUT_MS = 10_000;

/** A complete HTTP response, or the transport error that replaced it. */
type Outcome = { status: number; headers: IncomingHttpHeaders; body: string } | { error: string };

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Resolves once `check` returns true, polling every 20 ms; rejects with `what` after `ms`. */
async function waitFor(what: string, check: () => boolean | Promise<boolean>, ms = SHUTDOWN_TIMEOUT_MS): Promise<void> {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for: ${what}`);
    await sleep(20);
  }
}

/** Opens a TCP connection; resolves with the socket, or with the error code (ECONNREFUSED). */
function tcpConnect(port: number): Promise<Socket | string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => resolve(socket));
    socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
  });
}

/**
 * Reads one HTTP/1.1 response from a raw socket that the server closes after it (a draining
 * server answers with `Connection: close`). Complete means: status line, headers, and exactly
 * Content-Length bytes of body before the close; anything else is an error outcome.
 */
function readRawResponse(socket: Socket): Promise<Outcome> {
  return new Promise((resolve) => {
    let raw = Buffer.alloc(0);
    socket.on('data', (d: Buffer) => (raw = Buffer.concat([raw, d])));
    socket.once('error', (err: NodeJS.ErrnoException) => resolve({ error: err.code ?? err.message }));
    socket.once('close', () => {
      const text = raw.toString('utf8');
      const split = text.indexOf('\r\n\r\n');
      if (split < 0) return resolve({ error: `incomplete response: ${JSON.stringify(text)}` });
      const [statusLine, ...lines] = text.slice(0, split).split('\r\n');
      const headers: IncomingHttpHeaders = {};
      for (const line of lines) headers[line.slice(0, line.indexOf(':')).toLowerCase()] = line.slice(line.indexOf(':') + 1).trim();
      const body = text.slice(split + 4);
      if (Buffer.byteLength(body) !== Number(headers['content-length'])) return resolve({ error: `truncated body: ${JSON.stringify(text)}` });
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body });
    });
  });
}

/**
 * Starts `http.request`; with `holdBodyUntil`, half the body is sent at once and the rest once it
 * resolves. `reused`: whether the agent gave it a kept-alive connection; `written`: resolves once
 * the connection is established and the whole request (or its first half) is handed to the kernel.
 */
function send(
  port: number,
  opts: { method?: string; path: string; agent: Agent | false; body?: string; holdBodyUntil?: Promise<void> },
): { outcome: Promise<Outcome>; reused: Promise<boolean>; written: Promise<void> } {
  let onSocket!: (reused: boolean) => void;
  const reused = new Promise<boolean>((r) => (onSocket = r));
  let onWritten!: () => void;
  const written = new Promise<void>((r) => (onWritten = r));
  const outcome = new Promise<Outcome>((resolve) => {
    const body = opts.body ?? '';
    const req = request(
      { host: '127.0.0.1', port, method: opts.method ?? 'GET', path: opts.path, agent: opts.agent, headers: body ? { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) } : {} },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.once('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
        res.once('error', (err: NodeJS.ErrnoException) => resolve({ error: err.code ?? err.message }));
      },
    );
    req.once('socket', (socket: Socket) => {
      onSocket(req.reusedSocket);
      if (socket.connecting) socket.once('connect', () => setImmediate(onWritten));
      else setImmediate(onWritten);
    });
    req.once('error', (err: NodeJS.ErrnoException) => resolve({ error: err.code ?? err.message }));
    if (!body) return void req.end();
    if (!opts.holdBodyUntil) return void req.end(body);
    // Headers and the first half now (the server starts the request), the rest later.
    req.flushHeaders();
    req.write(body.slice(0, body.length / 2));
    void opts.holdBodyUntil.then(() => req.end(body.slice(body.length / 2)));
  });
  return { outcome, reused, written };
}

const LOGIN = JSON.stringify({ email: OWNER.email, password: OWNER.password });

/**
 * Graceful shutdown of the real entry point (src/main.ts as a child process): on SIGTERM the
 * instance stops being ready, stops accepting, and answers every request it had already accepted
 * — including connections accepted but not read yet — before it exits 0 within its bound.
 */
describe('graceful shutdown on SIGTERM (CONVENTIONS §9)', () => {
  jest.setTimeout(45_000);
  let child: ChildProcess;
  let port: number;
  let stderr = '';
  let exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;

  beforeAll(async () => {
    port = await freePort();
    child = spawn(process.execPath, ['-r', '@swc-node/register', 'src/main.ts'], {
      cwd: ROOT,
      env: { ...process.env, PORT: String(port), SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS), LOG_LEVEL: 'silent' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal, at: Date.now() })));
    await waitFor(
      'the service to answer /health/ready',
      async () => (await send(port, { path: '/health/ready', agent: false }).outcome as { status?: number }).status === 200,
      30_000,
    );
  });

  afterAll(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });

  it('answers every accepted request, reports 503 on readiness while draining, closes keep-alive connections, refuses new ones, exits 0', async () => {
    // Keep-alive connections that have served one request: 5 stay idle, 5 carry a slow upload later.
    const idleAgent = new Agent({ keepAlive: true, maxSockets: 5 });
    const uploadAgent = new Agent({ keepAlive: true, maxSockets: 5 });
    const idleSockets: Socket[] = [];
    for (const agent of [idleAgent, uploadAgent]) {
      const warm = Array.from({ length: 5 }, () => send(port, { path: '/health/live', agent }).outcome);
      for (const o of await Promise.all(warm)) expect(o).toMatchObject({ status: 200, headers: { connection: 'keep-alive' } });
    }
    for (const sockets of Object.values(idleAgent.freeSockets)) idleSockets.push(...(sockets ?? []));
    expect(idleSockets).toHaveLength(5);
    const idleClosed = idleSockets.map((s) => new Promise<void>((r) => s.once('close', () => r())));

    // Connections accepted but with nothing sent yet: one asks for readiness during the drain,
    // three send their request at the moment of the signal.
    const fresh = await Promise.all(Array.from({ length: 4 }, () => tcpConnect(port)));
    for (const s of fresh) expect(s).toBeInstanceOf(Socket);
    const [readinessSocket, ...atSignalSockets] = fresh as Socket[];
    const readinessResponse = readRawResponse(readinessSocket);
    const atSignalResponses = atSignalSockets.map(readRawResponse);

    // A burst on new connections: 30 sign-ins (password hashing makes them slow; one email each,
    // so the per-email attempt limiter stays out of it) and 10 probes.
    const signIn = () => JSON.stringify({ email: `${randomUUID()}@example.test`, password: 'not-the-password-0' });
    const burst = [
      ...Array.from({ length: 30 }, () => send(port, { method: 'POST', path: '/api/v1/admin/auth/login', agent: false, body: signIn() }).outcome),
      ...Array.from({ length: 10 }, () => send(port, { path: '/health/live', agent: false }).outcome),
    ];
    // Slow uploads on the keep-alive connections: the server has their headers, the body comes
    // only once the drain is under way.
    let releaseUploads!: () => void;
    const uploadsReleased = new Promise<void>((r) => (releaseUploads = r));
    const uploads = Array.from({ length: 5 }, () => send(port, { method: 'POST', path: '/api/v1/admin/auth/login', agent: uploadAgent, body: LOGIN, holdBodyUntil: uploadsReleased }));
    expect(await Promise.all(uploads.map((u) => u.reused))).toEqual([true, true, true, true, true]);

    // Barrier: the listen queue is first-in first-out, so once a connection opened after all of
    // the above is answered, every one of them has been accepted by the service.
    expect(await send(port, { path: '/health/live', agent: false }).outcome).toMatchObject({ status: 200 });

    // The last requests before the signal: connected and written, with no barrier this time, so
    // some may still sit in the kernel's accept queue or socket buffers when the signal lands.
    const lastMoment = Array.from({ length: 20 }, () => send(port, { path: '/health/live', agent: false }));
    await Promise.all(lastMoment.map((r) => r.written));
    const signalledAt = Date.now();
    child.kill('SIGTERM');
    for (const s of atSignalSockets) s.write(`GET /health/live HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`);

    // The service stops accepting: a new connection is refused (the draining flag is set first).
    await waitFor('new connections to be refused', async () => {
      const s = await tcpConnect(port);
      if (typeof s === 'string') return s === 'ECONNREFUSED';
      s.destroy();
      return false;
    });

    // Readiness on an already accepted connection answers 503 at once, and closes it.
    readinessSocket.write(`GET /health/ready HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`);
    const ready = await readinessResponse;
    expect(ready).toMatchObject({ status: 503, headers: { connection: 'close', 'content-type': expect.stringMatching(/^application\/problem\+json/) } });
    expect(JSON.parse((ready as { body: string }).body)).toMatchObject({ status: 503, code: 'not_ready' });

    // Idle keep-alive connections are closed by the service while it drains.
    await Promise.all(idleClosed);

    // The uploads finish now; their responses are complete and close their keep-alive connections.
    releaseUploads();
    for (const o of await Promise.all(uploads.map((u) => u.outcome))) {
      expect(o).toMatchObject({ status: 200, headers: { connection: 'close' } });
      expect(JSON.parse((o as { body: string }).body)).toHaveProperty('accessToken');
    }

    // Every request already sent got a complete answer: no ECONNRESET, no truncated body.
    const burstOutcomes = await Promise.all(burst);
    expect(burstOutcomes.filter((o) => 'error' in o)).toEqual([]);
    expect(burstOutcomes.map((o) => (o as { status: number }).status)).toEqual([...Array(30).fill(401), ...Array(10).fill(200)]);
    for (const o of await Promise.all(atSignalResponses)) expect(o).toMatchObject({ status: 200 });
    for (const o of await Promise.all(lastMoment.map((r) => r.outcome))) expect(o).toMatchObject({ status: 200 });

    // A clean exit, within the documented bound (past it the service exits 1).
    const exit = await exited;
    expect({ code: exit.code, signal: exit.signal }).toEqual({ code: 0, signal: null });
    expect(exit.at - signalledAt).toBeLessThanOrEqual(SHUTDOWN_TIMEOUT_MS);
    expect(stderr).toBe('');
    expect(await tcpConnect(port)).toBe('ECONNREFUSED');
    idleAgent.destroy();
    uploadAgent.destroy();
  });
});
