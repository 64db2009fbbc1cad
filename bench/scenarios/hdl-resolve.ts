import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { IdnodeError } from '../../src/core/errors/catalogue.js';
import { parseHostPort, type HostPort } from '../../src/hdl/client/address.js';
import { exchangeTcp, exchangeUdp } from '../../src/hdl/client/exchange.js';
import { readAnswer, resolutionRequest } from '../../src/hdl/client/hdl-resolve.js';
import { startHdlGenerator, type HdlGenerator } from '../lib/hdl-load.js';
import { measurePair, type Target } from '../lib/measure.js';
import { RESOLUTION_SETTINGS } from '../lib/rest-scenario.js';
import { scenarioResult } from '../lib/scenario-result.js';
import type { BenchContext, Scenario } from '../lib/scenario.js';
import { startBareHdl, startIdnode, type RunningServer } from '../lib/servers.js';
import { seededHandle } from '../lib/workload.js';

/** The identifier every request resolves: seeded, so idnode answers it from its cache after the first request. */
const HANDLE = seededHandle(0);
/** Requests kept in flight: over one UDP socket, or pipelined over TCP_CONNECTIONS connections. */
const IN_FLIGHT = 64;
const TCP_CONNECTIONS = 4;
/** A UDP request unanswered this long is lost (counted, and its slot sends another). */
const LOSS_TIMEOUT_MS = 500;
const DRAIN_MS = 1000;

/**
 * Warm-cache resolution over the Handle protocol (opCode 1) of one fixed identifier, over UDP or TCP, against a
 * bare node:dgram / node:net server answering the same bytes, both driven by the same generator process.
 */
function hdlResolve(transport: 'udp' | 'tcp'): Scenario {
  const scenario: Scenario = {
    name: `hdl-resolve-${transport}`,
    title: `Handle protocol resolution over ${transport.toUpperCase()} of one fixed identifier (a cache hit), vs a bare node:${transport === 'udp' ? 'dgram' : 'net'} server answering the same bytes`,
    unavailable: async (context) => {
      const help = execFileSync(process.execPath, [join(context.root, 'dist/cli/main.js'), 'serve', '--help'], { encoding: 'utf8' });
      return help.includes('--hdl-port') ? undefined : '`idnode serve` has no --hdl-port yet, so there is no Handle protocol listener to measure';
    },
    run: async (context) => {
      const server = await startIdnode(context, { name: scenario.name, dataDir: context.seeded.dataDir, settings: { ...RESOLUTION_SETTINGS, IDNODE_HDL_PORT: '0' } });
      let bare: RunningServer | undefined;
      let generator: HdlGenerator | undefined;
      try {
        const request = resolutionRequest({ handle: HANDLE, indexes: [], types: [] }, 1);
        const answer = await probe(addressOf(server), request, transport);
        bare = await startBareHdl(context, context.references.get('bare-hdl-server')!, answer);
        generator = startHdlGenerator(context);
        const ours = hdlTarget(context, generator, 'idnode', server, transport, request, answer);
        const reference = hdlTarget(context, generator, `bare node:${transport === 'udp' ? 'dgram' : 'net'}, ready answer`, bare, transport, request, answer);
        const measured = await measurePair(ours, reference, context.settings.runs, true);
        return scenarioResult(
          {
            name: scenario.name,
            title: scenario.title,
            notes: [
              `every request resolves ${HANDLE}, anonymously, all values (idnode: a cache hit after the first; the reference: the ${answer.length}-byte answer idnode gave, decoded and checked before measuring, its request id replaced by the request's).`,
              `generator: bench/generators/hdl-generator-main.ts, its own Node process${context.pinning.enabled ? ` on CPU ${context.pinning.generatorCpu}` : ''}, ${IN_FLIGHT} requests in flight ${transport === 'udp' ? 'over one UDP socket' : `pipelined over ${TCP_CONNECTIONS} TCP connections`}; every answer paired with its request by request id and compared once with the checked answer (request id and expiration aside).`,
              `the generator used ${percent(measured.ours.generatorBusyShare)} of its core (running, or waiting for it) at most driving idnode, ${percent(measured.reference.generatorBusyShare)} driving the reference.`,
            ],
          },
          measured.ours,
          measured.reference,
        );
      } finally {
        await Promise.all([server.stop(), bare?.stop(), generator?.stop()]);
      }
    },
  };
  return scenario;
}

export const hdlResolveUdp = hdlResolve('udp');
export const hdlResolveTcp = hdlResolve('tcp');

function addressOf(server: RunningServer): HostPort {
  const address = server.hdl === undefined ? 'no hdl key in the ready file' : parseHostPort(server.hdl);
  if (typeof address === 'string') throw new IdnodeError('INTERNAL_ERROR', `${server.name}: ${address}`);
  return address;
}

/**
 * Asks once as the generator will and checks the answer decodes as a resolution of HANDLE with values
 * (response code 1, not truncated): every measured answer must then be these bytes. Returns them.
 */
async function probe(address: HostPort, request: Buffer, transport: 'udp' | 'tcp'): Promise<Buffer> {
  let packet: Buffer;
  if (transport === 'udp') {
    const outcome = await exchangeUdp(address, request, 10_000);
    if (outcome.kind !== 'answer') throw new IdnodeError('INTERNAL_ERROR', `no whole UDP answer to the probe of ${HANDLE}: ${outcome.kind === 'no-answer' ? outcome.why : 'truncated'}`);
    packet = outcome.packet;
  } else {
    packet = await exchangeTcp(address, request, 10_000);
  }
  const resolved = readAnswer(packet, transport, address, HANDLE);
  if (resolved.responseCode !== 1 || resolved.handle !== HANDLE || resolved.values.length === 0) {
    throw new IdnodeError('INTERNAL_ERROR', `the probe of ${HANDLE} is not a resolution of it: ${JSON.stringify(resolved).slice(0, 200)}`);
  }
  return Buffer.from(packet);
}

function hdlTarget(context: BenchContext, generator: HdlGenerator, name: string, server: RunningServer, transport: 'udp' | 'tcp', request: Buffer, answer: Buffer): Target {
  const address = addressOf(server);
  const { durationSec, warmupRequests, warmupMaxSec } = context.settings;
  return {
    name,
    pid: server.pid,
    run: (phase) =>
      generator.run({
        transport,
        host: address.host,
        port: address.port,
        request: request.toString('hex'),
        answer: answer.toString('hex'),
        inFlight: IN_FLIGHT,
        connections: TCP_CONNECTIONS,
        ...(phase === 'warmup' ? { amount: warmupRequests * 10, durationMs: warmupMaxSec * 1000 } : { durationMs: durationSec * 1000 }),
        lossTimeoutMs: LOSS_TIMEOUT_MS,
        drainMs: DRAIN_MS,
      }),
  };
}

function percent(share: number): string {
  return `${Math.round(share * 100)}%`;
}
