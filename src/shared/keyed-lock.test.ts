import { describe, expect, it } from 'vitest';
import { createKeyedLock } from './keyed-lock.js';

/** A promise with its resolve and reject exposed. */
function deferred<T = void>() {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Lets every already-settled promise callback run. */
async function flush(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
  await new Promise((resolve) => setImmediate(resolve));
}

describe('createKeyedLock', () => {
  it('runs tasks on the same key one at a time, in call order', async () => {
    const lock = createKeyedLock();
    const log: string[] = [];
    const gates = [deferred(), deferred(), deferred()];
    const results = gates.map((gate, i) =>
      lock.run('k', async () => {
        log.push(`start ${i}`);
        await gate.promise;
        log.push(`end ${i}`);
        return i * 10;
      }),
    );
    await flush();
    expect(log).toEqual(['start 0']);
    // Finishing a later task's gate first must not let it start early.
    gates[2]?.resolve();
    gates[1]?.resolve();
    await flush();
    expect(log).toEqual(['start 0']);
    gates[0]?.resolve();
    expect(await Promise.all(results)).toEqual([0, 10, 20]);
    expect(log).toEqual(['start 0', 'end 0', 'start 1', 'end 1', 'start 2', 'end 2']);
  });

  it('never runs two tasks of one key at once, under random timings', async () => {
    const lock = createKeyedLock();
    let running = 0;
    let maxRunning = 0;
    const order: number[] = [];
    const delays = [3, 0, 5, 1, 0, 2, 4, 0, 1, 3];
    await Promise.all(
      delays.map((delay, i) =>
        lock.run('same', async () => {
          running += 1;
          maxRunning = Math.max(maxRunning, running);
          order.push(i);
          await new Promise((resolve) => setTimeout(resolve, delay));
          running -= 1;
        }),
      ),
    );
    expect(maxRunning).toBe(1);
    expect(order).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('runs tasks on different keys concurrently', async () => {
    const lock = createKeyedLock();
    const log: string[] = [];
    const gateA = deferred();
    const gateB = deferred();
    const a = lock.run('a', async () => {
      log.push('start a');
      await gateA.promise;
      log.push('end a');
      return 'A';
    });
    const b = lock.run('b', async () => {
      log.push('start b');
      await gateB.promise;
      log.push('end b');
      return 'B';
    });
    await flush();
    expect(log).toEqual(['start a', 'start b']);
    gateB.resolve();
    expect(await b).toBe('B');
    expect(log).toEqual(['start a', 'start b', 'end b']);
    gateA.resolve();
    expect(await a).toBe('A');
  });

  it('a failing task rejects its own caller and does not block the next', async () => {
    const lock = createKeyedLock();
    const log: string[] = [];
    const failing = lock.run('k', () => {
      log.push('first');
      return Promise.reject(new Error('boom'));
    });
    const next = lock.run('k', () => {
      log.push('second');
      return Promise.resolve('ok');
    });
    await expect(failing).rejects.toThrow('boom');
    await expect(next).resolves.toBe('ok');
    expect(log).toEqual(['first', 'second']);
  });

  it('a task that throws synchronously rejects and does not block the next', async () => {
    const lock = createKeyedLock();
    const throwing = lock.run('k', (): Promise<number> => {
      throw new Error('sync boom');
    });
    await expect(throwing).rejects.toThrow('sync boom');
    await expect(lock.run('k', () => Promise.resolve(7))).resolves.toBe(7);
  });

  it('a task queued behind a failure still waits for it to finish', async () => {
    const lock = createKeyedLock();
    const log: string[] = [];
    const gate = deferred();
    const failing = lock.run('k', async () => {
      log.push('start fail');
      await gate.promise;
      log.push('fail');
      throw new Error('late boom');
    });
    const next = lock.run('k', () => {
      log.push('next');
      return Promise.resolve();
    });
    await flush();
    expect(log).toEqual(['start fail']);
    gate.resolve();
    await expect(failing).rejects.toThrow('late boom');
    await next;
    expect(log).toEqual(['start fail', 'fail', 'next']);
  });

  it('can be used again for a key after its queue drained', async () => {
    const lock = createKeyedLock();
    expect(await lock.run('k', () => Promise.resolve(1))).toBe(1);
    await flush();
    expect(await lock.run('k', () => Promise.resolve(2))).toBe(2);
  });
});
