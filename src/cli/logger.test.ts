import { describe, expect, it } from 'vitest';
import { terminalMessage } from './logger.js';

describe('terminalMessage', () => {
  it('is the message alone for info lines, whatever fields they carry', () => {
    expect(terminalMessage({ level: 30, msg: 'clean: done in 4.3 s', stage: 'clean', timingsMs: { read: 3 }, rowsIn: 5 })).toBe('clean: done in 4.3 s');
  });

  it("adds the error's message to an error line unless the message has it already", () => {
    expect(terminalMessage({ level: 50, msg: 'collect: failed', stage: 'collect', err: { type: 'Error', message: 'EACCES', stack: 'Error: EACCES\n    at x' } })).toBe('collect: failed: EACCES');
    expect(terminalMessage({ level: 50, msg: 'collect: failed: EACCES', err: { message: 'EACCES' } })).toBe('collect: failed: EACCES');
  });

  it('adds the plain fields of a warning (the reason), not objects, not the stage', () => {
    expect(terminalMessage({ level: 40, msg: 'clustering skipped', stage: 'segment', pid: 1, hostname: 'h', time: 1, reason: '2 customers', sizes: [1, 2] })).toBe(
      'clustering skipped (reason: 2 customers)',
    );
  });

  it('uses the given message key', () => {
    expect(terminalMessage({ level: 30, message: 'hello' }, 'message')).toBe('hello');
  });
});
