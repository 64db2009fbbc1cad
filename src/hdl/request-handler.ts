import type { Logger } from 'pino';
import { ANONYMOUS } from '../core/auth/principal.js';
import { IdnodeError } from '../core/errors/catalogue.js';
import type { IdNode } from '../core/node.js';
import { encodeAnswer } from '../core/resolver/resolution-answer.js';
import { nodeBusy, type Admission } from '../frontend/admission.js';
import { asIdnodeError, logFailure, outcomeOf } from '../frontend/failure.js';
import type { HdlOutcome, HdlTransport, NodeMetrics, RequestRecorder } from '../metrics/node-metrics.js';
import {
  decodeEnvelope,
  decodeMessage,
  decodeResolutionRequest,
  decodeSiteInfoRequest,
  encodeErrorBody,
  ENVELOPE_SIZE,
  MAX_UDP_PACKET_SIZE,
  OpCode,
  ProtocolError,
  ResponseCode,
  type Envelope,
  type Message,
} from './codec/index.js';
import { emptyResolutionBody, encodeErrorResponse, encodeResponse, HDL_RESOLUTION_BODY, type ResponseFrame } from './responses.js';

export const PROTOCOL = 'hdl';

/** This node's site info as get site info (opcode 2) answers it: the HS_SITE record's bytes and serial number. */
export interface SiteInfoSource {
  current(): Promise<{ readonly bytes: Uint8Array; readonly serialNumber: number }> | { readonly bytes: Uint8Array; readonly serialNumber: number };
}

export interface RequestHandlerOptions {
  readonly logger: Logger;
  readonly metrics: NodeMetrics;
  /** The largest request accepted (bytes after the envelope); larger ones get a protocol error. */
  readonly maxRequestBytes: number;
  readonly siteInfo: SiteInfoSource;
  /** Load shedding shared with the other front ends: beyond it a request is answered "server too busy" (3). */
  readonly admission: Admission;
}

/**
 * One Handle protocol request in, at most one answer out, the same for UDP and TCP: decode, call the core
 * as every front end does (node.resolver.resolve with protocol "hdl", the anonymous principal), encode.
 *
 * - Resolution (opCode 1): the visible values through the index and type filters (responseCode 1); the
 *   identifier exists but no value passes → values not found (200); errors by the catalogue's Handle code
 *   (100 not found, 102 invalid handle, 301 not homed here, 3 store unavailable, …).
 * - Get site info (opCode 2): this node's HS_SITE record (node.site: the listeners serve bound), its serial
 *   number in the response header.
 * - Any other opCode, and compressed, encrypted or multi-packet requests: operation not supported (5).
 * - A request whose envelope is readable but whose message is not: protocol error (4). Anything shorter than
 *   an envelope is dropped unanswered.
 *
 * Credentials: a request's credential section is parsed (a malformed one is a protocol error) and then not
 * used: idnode cannot verify HANDLE.NET signatures (HS_PUBKEY, session MACs), so every request is answered
 * as the anonymous principal — the public values only, exactly what an unauthenticated REST or gRPC
 * caller sees; never more, and never a refusal for having signed.
 *
 * A refusal is logged and counted by its catalogue class (src/frontend/failure.ts); malformed and dropped
 * messages are logged at debug only, so a flood of garbage cannot flood the log, and counted in
 * idnode_hdl_messages_total.
 */
export class RequestHandler {
  private readonly resolveStats: RequestRecorder;
  private readonly siteInfoStats: RequestRecorder;
  private readonly otherStats: RequestRecorder;

  constructor(
    private readonly node: IdNode,
    private readonly options: RequestHandlerOptions,
  ) {
    this.resolveStats = options.metrics.requestRecorder(PROTOCOL, 'resolve');
    this.siteInfoStats = options.metrics.requestRecorder(PROTOCOL, 'get-site-info');
    this.otherStats = options.metrics.requestRecorder(PROTOCOL, 'unsupported');
  }

  /**
   * The answer to `bytes` (one datagram, or one TCP frame of envelope + messageLength bytes), or undefined
   * to drop it. Never rejects.
   */
  async answer(bytes: Buffer, transport: HdlTransport): Promise<Buffer | undefined> {
    const { logger, metrics } = this.options;
    if (bytes.length < ENVELOPE_SIZE) {
      metrics.hdlMessages.record(transport, 'dropped');
      logger.debug({ transport, bytes: bytes.length }, 'hdl: dropped a message shorter than an envelope');
      return undefined;
    }
    const envelope = decodeEnvelope(bytes, Number.MAX_SAFE_INTEGER);
    let request: Message;
    try {
      request = this.decodeRequest(envelope, bytes);
    } catch (error) {
      const refusal = asIdnodeError(error);
      const outcome = this.noteRefusal(refusal, error, transport, envelope);
      metrics.hdlMessages.record(transport, outcome);
      return encodeErrorResponse(this.fallbackFrame(envelope, bytes), refusal.handleCode, `${refusal.code}: ${refusal.message}`);
    }
    const release = this.options.admission.tryAdmit(this.answeredFromCache, request);
    if (release === undefined) {
      // Shed unlogged (idnode_requests_shed_total counts it): an overload must not flood the log.
      metrics.hdlMessages.record(transport, 'server_error');
      const busy = nodeBusy(this.options.admission.maxInFlight);
      return encodeErrorResponse(this.frameOf(request, bytes), busy.handleCode, `${busy.code}: ${busy.message}`);
    }
    try {
      return await this.answerAdmitted(request, bytes, transport, envelope);
    } finally {
      release();
    }
  }

  private async answerAdmitted(request: Message, bytes: Buffer, transport: HdlTransport, envelope: Envelope): Promise<Buffer> {
    const { metrics } = this.options;
    const started = performance.now();
    const stats = request.header.opCode === OpCode.RESOLUTION ? this.resolveStats : request.header.opCode === OpCode.GET_SITE_INFO ? this.siteInfoStats : this.otherStats;
    let frame = this.frameOf(request, bytes);
    let answer: Buffer;
    let outcome: HdlOutcome = 'ok';
    try {
      const { responseCode, body, truncatedBody, serial } = await this.perform(request);
      if (serial !== undefined) frame = { ...frame, siteInfoSerial: serial };
      answer = encodeResponse(frame, responseCode, body);
      if (transport === 'udp' && answer.length > MAX_UDP_PACKET_SIZE) {
        answer = encodeResponse(frame, responseCode, truncatedBody ?? Buffer.alloc(0), true);
        outcome = 'truncated';
      }
    } catch (error) {
      const refusal = asIdnodeError(error);
      outcome = this.noteRefusal(refusal, error, transport, envelope, request.header.opCode);
      answer = encodeErrorResponse(frame, refusal.handleCode, `${refusal.code}: ${refusal.message}`);
    }
    stats.record((performance.now() - started) / 1000, outcome === 'client_error' || outcome === 'server_error' ? outcome : outcome === 'malformed' ? 'client_error' : 'ok');
    metrics.hdlMessages.record(transport, outcome);
    return answer;
  }

  /** Logs a refusal (a malformed message at debug only) and says how it counts. */
  private noteRefusal(refusal: IdnodeError, raw: unknown, transport: HdlTransport, envelope: Envelope, opCode?: number): HdlOutcome {
    const fields = { transport, requestId: envelope.requestId, ...(opCode === undefined ? {} : { opCode }), ...(refusal.handle === undefined ? {} : { handle: refusal.handle }) };
    if (refusal instanceof ProtocolError) {
      this.options.logger.debug({ ...fields, code: refusal.code }, `hdl: malformed message: ${refusal.message}`);
      return 'malformed';
    }
    logFailure(this.options.logger, refusal, raw, fields);
    return outcomeOf(refusal);
  }

  /** The whole message, checked to be a request this front end can read. */
  private decodeRequest(envelope: Envelope, bytes: Buffer): Message {
    if (envelope.messageLength > this.options.maxRequestBytes) {
      throw new ProtocolError(`envelope message length ${envelope.messageLength} is over this node's limit of ${this.options.maxRequestBytes} bytes for a request`, 16);
    }
    if (envelope.compressed || envelope.encrypted) throw new IdnodeError('OPERATION_NOT_SUPPORTED', 'compressed or encrypted messages are not supported');
    if (envelope.truncated) throw new IdnodeError('OPERATION_NOT_SUPPORTED', 'multi-packet (truncated) requests are not supported');
    const message = decodeMessage(bytes, this.options.maxRequestBytes);
    if (message.header.responseCode !== ResponseCode.RESERVED) {
      throw new ProtocolError(`header responseCode is ${message.header.responseCode}: a request carries 0`, ENVELOPE_SIZE + 4);
    }
    return message;
  }

  private async perform(request: Message): Promise<{ responseCode: number; body: Buffer; truncatedBody?: Buffer; serial?: number }> {
    switch (request.header.opCode) {
      case OpCode.RESOLUTION: {
        const query = decodeResolutionRequest(request.body);
        // The header's recursion count: how many nodes referred this request (recursive resolution bounds it).
        const resolution = await this.node.resolver.resolve({ ...query, principal: ANONYMOUS, protocol: PROTOCOL, hops: request.header.recursionCount });
        const body = encodeAnswer(resolution, HDL_RESOLUTION_BODY);
        // No value passes the filters: HANDLE.NET answers this as an error response, code 200 (values not found).
        if (body === undefined) return { responseCode: ResponseCode.VALUES_NOT_FOUND, body: encodeErrorBody(`${resolution.handle} has no value matching the index and type filters`) };
        return { responseCode: ResponseCode.SUCCESS, body, truncatedBody: emptyResolutionBody(resolution.handle) };
      }
      case OpCode.GET_SITE_INFO: {
        decodeSiteInfoRequest(request.body);
        const site = await this.options.siteInfo.current();
        return { responseCode: ResponseCode.SUCCESS, body: Buffer.from(site.bytes.buffer, site.bytes.byteOffset, site.bytes.byteLength), serial: site.serialNumber };
      }
      default:
        throw new IdnodeError('OPERATION_NOT_SUPPORTED', `opCode ${request.header.opCode} is not served here (only resolution, 1, and get site info, 2)`);
    }
  }

  /** A resolution the cache answers: not shed, its answer costs about what a refusal would (Admission.tryAdmit). */
  private readonly answeredFromCache = (request: Message): boolean => {
    if (request.header.opCode !== OpCode.RESOLUTION) return false;
    try {
      return this.node.resolver.isWarm(decodeResolutionRequest(request.body).handle);
    } catch {
      return false;
    }
  };

  private frameOf(request: Message, bytes: Buffer): ResponseFrame {
    return { request, requestBytes: bytes, nowSeconds: this.nowSeconds(), siteInfoSerial: -1 };
  }

  /** For a message whose header could not be read: what the envelope gives, and the opCode if present. */
  private fallbackFrame(envelope: Envelope, bytes: Buffer): ResponseFrame {
    const opCode = bytes.length >= ENVELOPE_SIZE + 4 ? bytes.readUInt32BE(ENVELOPE_SIZE) : 0;
    const header = { opCode, responseCode: 0, opFlags: 0, siteInfoSerial: -1, recursionCount: 0, expiration: 0, bodyLength: 0 };
    return { request: { envelope, header, body: Buffer.alloc(0) }, requestBytes: bytes, nowSeconds: this.nowSeconds(), siteInfoSerial: -1 };
  }

  private nowSeconds(): number {
    return Math.floor(this.node.clock.now() / 1000);
  }
}
