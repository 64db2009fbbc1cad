/**
 * The Handle binary protocol codec (RFC 3651/3652 as HANDLE.NET speaks it): pure functions over bytes, no
 * sockets, used by the hdl front end (src/hdl) and by clients. Decoders check every length against the bytes
 * present and throw ProtocolError (catalogue code PROTOCOL_MESSAGE_MALFORMED, Handle response code 4).
 */
export * from './admin-data.js';
export * from './byte-reader.js';
export * from './byte-writer.js';
export * from './constants.js';
export * from './credential.js';
export * from './envelope.js';
export * from './error-body.js';
export * from './handle-value.js';
export * from './header.js';
export * from './message.js';
export * from './protocol-error.js';
export * from './request-digest.js';
export * from './resolution.js';
export * from './response-body.js';
export * from './site-info.js';
export * from './value-conversion.js';
