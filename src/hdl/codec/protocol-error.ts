import { IdnodeError } from '../../core/errors/catalogue.js';

/**
 * A Handle protocol message that cannot be decoded: too short for a field, a length or count larger than the
 * bytes present, bytes left over, a field out of range. The catalogue code is PROTOCOL_MESSAGE_MALFORMED
 * (Handle response code 4, protocol error); `offset` is where in the decoded bytes the problem was found.
 */
export class ProtocolError extends IdnodeError {
  readonly offset: number;

  constructor(message: string, offset: number) {
    super('PROTOCOL_MESSAGE_MALFORMED', message);
    this.name = 'ProtocolError';
    this.offset = offset;
  }
}
