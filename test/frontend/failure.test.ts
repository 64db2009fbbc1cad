import t from 'tap';
import { CATALOGUE, IdnodeError, type ErrorCode } from '../../src/core/errors/catalogue.js';
import { asIdnodeError, logFailure, outcomeOf } from '../../src/frontend/failure.js';

function recordingLog() {
  const lines: { level: string; obj: Record<string, unknown>; msg: string | undefined }[] = [];
  return {
    lines,
    info: (obj: object, msg?: string) => void lines.push({ level: 'info', obj: obj as Record<string, unknown>, msg }),
    error: (obj: object, msg?: string) => void lines.push({ level: 'error', obj: obj as Record<string, unknown>, msg }),
  };
}

t.test('the outcome follows the class', async (t) => {
  t.equal(outcomeOf(undefined), 'ok');
  for (const code of Object.keys(CATALOGUE) as ErrorCode[]) {
    t.equal(outcomeOf(new IdnodeError(code, 'x')), CATALOGUE[code].class === 'client' ? 'client_error' : 'server_error', code);
  }
});

t.test('a refusal is logged at info with the given fields; a server or retry-later failure as an error with its cause', async (t) => {
  const log = recordingLog();
  logFailure(log, new IdnodeError('PERMISSION_DENIED', 'no right'), undefined, { url: '/x', method: 'PUT' });
  const cause = new Error('disk on fire');
  logFailure(log, new IdnodeError('STORE_UNAVAILABLE', 'the store does not answer', { cause }), cause);
  const raw = new Error('bug');
  logFailure(log, asIdnodeError(raw), raw);
  t.same(log.lines, [
    { level: 'info', obj: { code: 'PERMISSION_DENIED', url: '/x', method: 'PUT' }, msg: 'refused: no right' },
    { level: 'error', obj: { err: cause, code: 'STORE_UNAVAILABLE' }, msg: 'the store does not answer' },
    { level: 'error', obj: { err: raw, code: 'INTERNAL_ERROR' }, msg: 'internal error' },
  ]);
});

t.test('asIdnodeError keeps a catalogue error and wraps anything else', async (t) => {
  const known = new IdnodeError('HANDLE_NOT_FOUND', 'gone');
  t.equal(asIdnodeError(known), known);
  const wrapped = asIdnodeError('a string');
  t.match(wrapped, { code: 'INTERNAL_ERROR', message: 'internal error', cause: 'a string' });
});
