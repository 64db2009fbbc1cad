import t from 'tap';
import { parseIdentifier } from '../../src/core/identifier/identifier.js';
t.equal(parseIdentifier('88.abc.1/Part-7').handle, '88.ABC.1/Part-7');
