import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Hub } from '../../../native/hub/Hub.js';
import { openDevice } from '../../../native/hub/openDevice.js';
import { TerminalServer } from '../../../native/server/TerminalServer.js';
import { scratchDir } from '../../support/peers.js';

// What the hub tells the page about SSH logins, and the sentences it answers with when a
// request does not fit: whether there is an agent (never where), and answers to questions
// no session is asking.

describe('the hub and SSH logins', () => {
  let dir: string;
  const hubs: Hub[] = [];
  const makeHub = (sshAgent: string): Hub => {
    const server = new TerminalServer({ device: { open: openDevice }, log: () => {}, version: 'test' });
    const hub = new Hub({ server, device: { open: openDevice }, listPorts: async () => [], knownHostsPath: join(dir, 'known_hosts'), sshAgent });
    hub.start();
    hubs.push(hub);
    return hub;
  };

  before(() => {
    dir = scratchDir();
  });
  after(async () => {
    for (const hub of hubs) await hub.dispose();
  });

  it('says whether it has an agent, and refuses an agent login where there is none', async () => {
    assert.equal(await makeHub(join(dir, 'agent.sock')).sshAgent({}), true);
    const without = makeHub('');
    assert.equal(await without.sshAgent({}), false);
    await assert.rejects(without.openSsh({ host: '127.0.0.1', port: 22, user: 'alice', agent: true }), {
      name: 'ApiError',
      message: 'There is no SSH agent here (SSH_AUTH_SOCK is not set where Revtel runs): give a password or a key file.',
    });
  });

  it('answers a password or host key for a session that asks nothing with a sentence', async () => {
    const hub = makeHub('');
    const demo = await hub.openDemo({});
    await assert.rejects(hub.answerPassword({ sessionId: demo.sessionId, password: 'x' }), { name: 'ApiError', message: 'That session is not asking for a password' });
    await assert.rejects(hub.answerHostKey({ sessionId: demo.sessionId, accept: true }), { name: 'ApiError', message: 'That session is not asking about a host key' });
  });
});
