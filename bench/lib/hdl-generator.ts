import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { connect, isIP, type Socket } from 'node:net';
import { REQUEST_ID_OFFSET } from '../../src/hdl/client/envelope-fields.js';
import { MessageFramer } from '../../src/hdl/client/message-framer.js';
import { AnswerChecker, InFlightSlots, type HdlCounts, type HdlGeneratorReport } from './hdl-accounting.js';
import { processWaitNs } from './proc.js';
import { LatencyRecorder } from './stats.js';

/** One run of the Handle-protocol load generator, as the bench sends it (one line of JSON on its stdin). */
export interface HdlLoadCommand {
  readonly transport: 'udp' | 'tcp';
  readonly host: string;
  readonly port: number;
  /** The request message (envelope included), hex; its request id is replaced for every request sent. */
  readonly request: string;
  /** The checked answer (envelope included), hex; every answer must equal it but for the request id. */
  readonly answer: string;
  /** Requests kept in flight (closed loop: each answer sends the next), over all connections. */
  readonly inFlight: number;
  /** TCP connections the requests are pipelined on (UDP: one socket). */
  readonly connections: number;
  /** Run this long… */
  readonly durationMs?: number;
  /** …or send this many requests. */
  readonly amount?: number;
  /**
   * A UDP request unanswered this long is counted as timed out and its slot sends a new one; TCP connections
   * that bring no answer for this long end the run, their requests in flight timed out.
   */
  readonly lossTimeoutMs: number;
  /** After the last request is sent, wait at most this long for the answers in flight. */
  readonly drainMs: number;
}

/** The largest answer the generator takes (an answer is compared with the checked one, far smaller). */
const MAX_MESSAGE_BYTES = 1024 * 1024;
const TIMER_MS = 50;

/**
 * Drives one run: a closed loop of `inFlight` requests over UDP (one connected socket) or TCP (`connections`
 * sockets, the requests pipelined, every batch of next requests written at once). Each answer is paired with
 * its request by the request id, timed, and compared once with the checked answer. Resolves with the counts,
 * the latencies and this process's own CPU and wait over the run.
 */
export async function runHdlLoad(command: HdlLoadCommand): Promise<HdlGeneratorReport> {
  const request = Buffer.from(command.request, 'hex');
  const checker = new AnswerChecker(Buffer.from(command.answer, 'hex'));
  const counts: HdlCounts = { sent: 0, answered: 0, wrong: 0, timedOut: 0, stray: 0 };
  const latencies = new LatencyRecorder();
  const cpuBefore = process.cpuUsage();
  const waitBefore = processWaitNs('self');
  const started = performance.now();
  const deadline = command.durationMs === undefined ? Number.POSITIVE_INFINITY : started + command.durationMs;
  const run: LoopState = {
    counts,
    latencies,
    checker,
    mayIssue: (now) => now < deadline && (command.amount === undefined || counts.sent < command.amount),
  };
  const ended = command.transport === 'udp' ? await udpLoop(command, request, run) : await tcpLoop(command, request, run);
  const wallSec = (ended - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  return {
    counts,
    wallSec,
    latency: latencies.summary(),
    cpuShare: (cpu.user + cpu.system) / 1e6 / wallSec,
    waitShare: (processWaitNs('self') - waitBefore) / 1e9 / wallSec,
  };
}

interface LoopState {
  readonly counts: HdlCounts;
  readonly latencies: LatencyRecorder;
  readonly checker: AnswerChecker;
  mayIssue(now: number): boolean;
}

/** Counts one answer (or a stray one, -1); returns the slot it freed for the next request. */
function take(state: LoopState, slots: InFlightSlots, answer: Buffer, now: number): number {
  const slot = answer.length >= REQUEST_ID_OFFSET + 4 ? slots.settle(answer.readUInt32BE(REQUEST_ID_OFFSET), now) : -1;
  if (slot < 0) {
    state.counts.stray++;
    return -1;
  }
  state.latencies.record(slots.lastLatencyMs);
  if (state.checker.matches(answer)) state.counts.answered++;
  else state.counts.wrong++;
  return slot;
}

/** Resolves with the time the loop ended (the last answer, or the drain's end). */
function udpLoop(command: HdlLoadCommand, request: Buffer, state: LoopState): Promise<number> {
  const slots = new InFlightSlots(command.inFlight);
  // One buffer per slot: a slot's buffer is rewritten only after its datagram was answered or given up on.
  const buffers = Array.from({ length: command.inFlight }, () => Buffer.from(request));
  const socket: UdpSocket = createSocket(isIP(command.host) === 6 ? 'udp6' : 'udp4');
  return new Promise((resolve, reject) => {
    let sendingEndedAt = Number.NaN;
    let done = false;
    const send = (slot: number, now: number) => {
      const buffer = buffers[slot]!;
      buffer.writeUInt32BE(slots.issue(slot, now), REQUEST_ID_OFFSET);
      state.counts.sent++;
      socket.send(buffer);
    };
    const finish = (now: number) => {
      if (done) return;
      done = true;
      clearInterval(timer);
      state.counts.timedOut += slots.inFlight;
      socket.close();
      resolve(now);
    };
    const afterAnswer = (slot: number, now: number) => {
      if (done) return;
      if (state.mayIssue(now)) send(slot, now);
      else if (Number.isNaN(sendingEndedAt)) sendingEndedAt = now;
      if (slots.inFlight === 0) finish(now);
    };
    const timer = setInterval(() => {
      const now = performance.now();
      const expired = slots.expire(now, command.lossTimeoutMs);
      state.counts.timedOut += expired.length;
      for (const slot of expired) afterAnswer(slot, now);
      if (!state.mayIssue(now) && Number.isNaN(sendingEndedAt)) sendingEndedAt = now;
      if (now - sendingEndedAt > command.drainMs) finish(now);
    }, TIMER_MS);
    socket.on('error', (error) => {
      if (done) return;
      done = true;
      clearInterval(timer);
      socket.close();
      reject(error);
    });
    socket.on('message', (answer: Buffer) => {
      const now = performance.now();
      const slot = take(state, slots, answer, now);
      if (slot >= 0) afterAnswer(slot, now);
    });
    socket.connect(command.port, command.host, () => {
      socket.setRecvBufferSize(4 * 1024 * 1024);
      const now = performance.now();
      for (let slot = 0; slot < command.inFlight && state.mayIssue(now); slot++) send(slot, now);
    });
  });
}

/** Resolves with the time the loop ended (the last answer on every connection, or the drain's end). */
function tcpLoop(command: HdlLoadCommand, request: Buffer, state: LoopState): Promise<number> {
  const perConnection = Math.ceil(command.inFlight / command.connections);
  const length = request.length;
  return new Promise((resolve, reject) => {
    const sockets: Socket[] = [];
    let open = command.connections;
    let sendingEndedAt = Number.NaN;
    let lastAnswerAt = performance.now();
    let done = false;
    const finish = (now: number) => {
      if (done) return;
      done = true;
      clearInterval(timer);
      for (const socket of sockets) socket.destroy();
      resolve(now);
    };
    const fail = (error: Error) => {
      if (done) return;
      done = true;
      clearInterval(timer);
      for (const socket of sockets) socket.destroy();
      reject(error);
    };
    const connections = Array.from({ length: command.connections }, () => ({ slots: new InFlightSlots(perConnection), framer: new MessageFramer(MAX_MESSAGE_BYTES) }));
    const inFlight = () => connections.reduce((sum, connection) => sum + connection.slots.inFlight, 0);
    // Writes one buffer holding a request for each of `free` slots (those that may send now).
    const sendBatch = (socket: Socket, slots: InFlightSlots, free: readonly number[], now: number) => {
      let n = 0;
      while (n < free.length && state.mayIssue(now)) {
        n++;
        state.counts.sent++;
      }
      if (n < free.length && Number.isNaN(sendingEndedAt)) sendingEndedAt = now;
      if (n === 0) return;
      const batch = Buffer.allocUnsafe(n * length);
      for (let i = 0; i < n; i++) {
        request.copy(batch, i * length);
        batch.writeUInt32BE(slots.issue(free[i]!, now), i * length + REQUEST_ID_OFFSET);
      }
      socket.write(batch);
    };
    const timer = setInterval(() => {
      const now = performance.now();
      if (!state.mayIssue(now) && Number.isNaN(sendingEndedAt)) sendingEndedAt = now;
      // A pipelined stream is answered in order: nothing for the loss timeout means the node stopped answering.
      const stalled = inFlight() > 0 && now - lastAnswerAt > command.lossTimeoutMs;
      if (now - sendingEndedAt > command.drainMs || stalled) {
        state.counts.timedOut += inFlight();
        finish(now);
      }
    }, TIMER_MS);
    for (const connection of connections) {
      const socket = connect({ host: command.host, port: command.port, noDelay: true });
      sockets.push(socket);
      const free: number[] = [];
      socket.on('error', fail);
      socket.on('close', () => {
        if (--open > 0 || done) return;
        const now = performance.now();
        state.counts.timedOut += inFlight();
        finish(now);
      });
      socket.on('connect', () => sendBatch(socket, connection.slots, Array.from({ length: perConnection }, (_, slot) => slot), performance.now()));
      socket.on('data', (chunk: Buffer) => {
        const now = performance.now();
        lastAnswerAt = now;
        free.length = 0;
        try {
          connection.framer.push(chunk, (answer) => {
            const slot = take(state, connection.slots, answer, now);
            if (slot >= 0) free.push(slot);
          });
        } catch (error) {
          return fail(error as Error);
        }
        sendBatch(socket, connection.slots, free, now);
        if (!Number.isNaN(sendingEndedAt) && inFlight() === 0) finish(now);
      });
    }
  });
}
