import { redisCommand } from './resp.js';

const BATCH = 100;

type Node = { port: number; id: string };

export type MoveSlotOptions = {
  slot: number;
  from: Node;
  to: Node;
  password: string | undefined;
  /** Runs with the slot MIGRATING and about half its keys already moved. */
  whileMigrating: (() => Promise<void>) | undefined;
};

/**
 * The resharding steps of `redis-cli --cluster reshard` for one slot: IMPORTING on the target,
 * MIGRATING on the source, its keys moved with MIGRATE in batches, then SETSLOT NODE on the
 * target and the source (other masters learn it from the caller or by gossip). The slot ends
 * on the target even when `whileMigrating` rejects; its error is rethrown afterwards.
 */
export async function moveSlot({ slot, from, to, password, whileMigrating }: MoveSlotOptions): Promise<void> {
  const command = (port: number, args: (string | number)[]) =>
    redisCommand(port, args, { password, timeoutMs: 10_000 });
  const auth = password === undefined ? [] : ['AUTH', password];
  /** Moves up to `count` keys of the slot; resolves to how many moved. */
  const moveKeys = async (count: number) => {
    const keys = (await command(from.port, ['CLUSTER', 'GETKEYSINSLOT', slot, count])) as string[];
    if (keys.length > 0)
      await command(from.port, ['MIGRATE', '127.0.0.1', to.port, '', 0, 5000, ...auth, 'KEYS', ...keys]);
    return keys.length;
  };

  await command(to.port, ['CLUSTER', 'SETSLOT', slot, 'IMPORTING', from.id]);
  await command(from.port, ['CLUSTER', 'SETSLOT', slot, 'MIGRATING', to.id]);
  try {
    // Half the keys first, so the callback sees the slot split between the two masters.
    const total = Number(await command(from.port, ['CLUSTER', 'COUNTKEYSINSLOT', slot]));
    await moveKeys(Math.min(BATCH, Math.ceil(total / 2)));
    await whileMigrating?.();
  } finally {
    while ((await moveKeys(BATCH)) > 0) {}
    await command(to.port, ['CLUSTER', 'SETSLOT', slot, 'NODE', to.id]);
    await command(from.port, ['CLUSTER', 'SETSLOT', slot, 'NODE', to.id]);
  }
}
