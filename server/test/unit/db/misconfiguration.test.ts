import { describe, expect, it } from 'vitest';
import { misconfiguration } from '../../../src/db/connect.js';

const pgError = (code: string, message: string) => Object.assign(new Error(message), { code });

describe('misconfiguration: PostgreSQL refusing the pod, told from PostgreSQL being away', () => {
  it.each([
    ['3D000', 'database "nope" does not exist'],
    ['28P01', 'password authentication failed for user "sla"'],
    ['28000', 'no pg_hba.conf entry for host "10.0.0.1"'],
  ])('%s is a configuration error', (code, message) => {
    expect(misconfiguration(pgError(code, message))).toBe(`${code}: ${message}`);
  });

  it.each([
    ['ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432'],
    ['ENOTFOUND', 'getaddrinfo ENOTFOUND db'],
    ['57P03', 'the database system is starting up'],
    ['53300', 'too many connections for role "sla"'],
  ])('%s is an outage, not a configuration error', (code, message) => {
    expect(misconfiguration(pgError(code, message))).toBeNull();
  });

  it('is null for errors without a code', () => {
    expect(misconfiguration(new Error('timeout expired'))).toBeNull();
    expect(misconfiguration(undefined)).toBeNull();
  });
});
