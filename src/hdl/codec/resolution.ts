import { ByteReader } from './byte-reader.js';
import { ByteWriter } from './byte-writer.js';
import { MINIMUM_VALUE_SIZE, readHandleValue, writeHandleValue, type WireHandleValue } from './handle-value.js';

/**
 * Bodies of a resolution (opCode 1). Request: the handle, the requested indexes and the requested types
 * (both empty: every value). Response (responseCode 1): the handle and the values.
 */
export interface ResolutionRequest {
  readonly handle: string;
  readonly indexes: readonly number[];
  readonly types: readonly string[];
}

export interface ResolutionResponse {
  readonly handle: string;
  readonly values: readonly WireHandleValue[];
}

export function encodeResolutionRequest(request: ResolutionRequest): Buffer {
  const writer = new ByteWriter(64);
  writer.utf8(request.handle).u32(request.indexes.length);
  for (const index of request.indexes) writer.u32(index);
  writer.u32(request.types.length);
  for (const type of request.types) writer.utf8(type);
  return writer.finish();
}

/** Throws ProtocolError for a malformed body, IdnodeError IDENTIFIER_NOT_UTF8 for a handle that is not UTF-8. */
export function decodeResolutionRequest(body: Buffer): ResolutionRequest {
  const reader = new ByteReader(body);
  const handle = reader.handle('handle');
  const indexCount = reader.count('index list', 4);
  const indexes: number[] = [];
  for (let i = 0; i < indexCount; i++) indexes.push(reader.i32('index'));
  const typeCount = reader.count('type list', 4);
  const types: string[] = [];
  for (let i = 0; i < typeCount; i++) types.push(reader.utf8('type'));
  reader.expectEnd('resolution request body');
  return { handle, indexes, types };
}

export function encodeResolutionResponse(response: ResolutionResponse): Buffer {
  const writer = new ByteWriter(64 + 64 * response.values.length);
  writer.utf8(response.handle).u32(response.values.length);
  for (const value of response.values) writeHandleValue(writer, value);
  return writer.finish();
}

/** `body` without any request digest (see splitResponseBody). */
export function decodeResolutionResponse(body: Buffer): ResolutionResponse {
  const reader = new ByteReader(body);
  const handle = reader.handle('handle');
  const count = reader.count('value list', MINIMUM_VALUE_SIZE);
  const values: WireHandleValue[] = [];
  for (let i = 0; i < count; i++) values.push(readHandleValue(reader));
  reader.expectEnd('resolution response body');
  return { handle, values };
}
