import { describe, expect, it } from 'vitest';
import { MAX_TRANSACTION_FRAMES } from './send-group';
import { SmtSessionLostError } from './errors';
import { connectionHarness } from './testing/connection-harness';
import { waitFor } from './testing/wait';

const { server, connection, connected } = connectionHarness();

describe('SmtConnection against a fake STOMP server', () => {
  describe('grouped sends', () => {
    const grouped = { receipt: true, grouped: true } as const;

    it('commits the sends of one turn as one transaction and resolves them on its receipt', async () => {
      const srv = await server();
      const { conn } = connection([srv.endpoint('primary')]);
      const got: string[] = [];
      conn.subscribe('/queue/b', { ack: 'auto' }, (m) => void got.push(m.body ?? ''));
      conn.start();
      await connected(conn);
      const sends = ['1', '2', '3'].map((n) => conn.send('/queue/b', { 'smt-id': n }, n, grouped));
      await Promise.all(sends);
      const [begin] = srv.framesOf('BEGIN');
      const tx = begin?.headers.transaction;
      expect(tx).toMatch(/^smt-tx-/);
      expect(srv.framesOf('SEND').map((f) => [f.headers.transaction, f.headers.receipt])).toEqual([
        [tx, undefined],
        [tx, undefined],
        [tx, undefined],
      ]);
      expect(srv.framesOf('COMMIT').map((f) => f.headers.transaction)).toEqual([tx]);
      expect(srv.framesOf('COMMIT')[0]?.headers.receipt).toBeDefined();
      await waitFor('the committed messages', () => got.length === 3);
      expect(got).toEqual(['1', '2', '3']);

      // The next turn's sends are the next transaction.
      await conn.send('/queue/b', {}, '4', grouped);
      expect(new Set(srv.framesOf('COMMIT').map((f) => f.headers.transaction)).size).toBe(2);
    });

    it(`splits a turn's sends into transactions of at most ${MAX_TRANSACTION_FRAMES}`, async () => {
      const srv = await server();
      const { conn } = connection([srv.endpoint('primary')]);
      conn.start();
      await connected(conn);
      const n = MAX_TRANSACTION_FRAMES + 1;
      await Promise.all(Array.from({ length: n }, (_, i) => conn.send('/queue/c', {}, String(i), grouped)));
      const commits = srv.framesOf('COMMIT').map((f) => f.headers.transaction);
      expect(commits).toHaveLength(2);
      const perTx = commits.map(
        (tx) => srv.framesOf('SEND').filter((f) => f.headers.transaction === tx).length,
      );
      expect(perTx).toEqual([MAX_TRANSACTION_FRAMES, 1]);
    });

    it('rejects every send of a transaction whose session ends before the receipt of its commit', async () => {
      const srv = await server();
      const { conn } = connection([srv.endpoint('primary')]);
      conn.start();
      await connected(conn);
      srv.freeze();
      const sends = ['a', 'b'].map((n) => conn.send('/queue/d', {}, n, grouped));
      srv.dropAll();
      for (const s of sends) await expect(s).rejects.toBeInstanceOf(SmtSessionLostError);
    });
  });
});
