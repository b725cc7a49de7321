import { describe, expect, it } from 'vitest';
import { GenerationGate, type Slot } from '../../../api/generation/gate.js';

/** Enters and records, in order, which requests get admitted. */
function recorder(gate: GenerationGate) {
  const admitted: string[] = [];
  const slots = new Map<string, Slot>();
  const enter = (name: string, client = name[0]!) => {
    const slot = gate.enter(client);
    if (!slot) return null;
    slots.set(name, slot);
    void slot.ready.then(() => admitted.push(name));
    return slot;
  };
  const settle = () => new Promise((resolve) => setImmediate(resolve));
  return { admitted, slots, enter, settle };
}

describe('GenerationGate', () => {
  it('admits up to maxInFlight at once, queues up to maxQueued, refuses beyond', () => {
    const gate = new GenerationGate(2, 1);
    expect(gate.enter('a')?.position).toBe(0);
    expect(gate.enter('b')?.position).toBe(0);
    expect(gate.enter('c')?.position).toBe(1);
    expect(gate.enter('d')).toBeNull();
    expect([gate.inFlight, gate.queued]).toEqual([2, 1]);
  });

  it('serves the queue round-robin between clients, not first come first served', async () => {
    const gate = new GenerationGate(1, 16);
    const { admitted, slots, enter, settle } = recorder(gate);
    enter('b0');
    // Client a queues five before c and d queue one each.
    for (const name of ['a1', 'a2', 'a3', 'a4', 'a5', 'c1', 'd1']) enter(name);
    const order = ['a1', 'c1', 'd1', 'a2', 'a3', 'a4', 'a5'];
    expect(order.map((name) => slots.get(name)!.position)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    let running = 'b0';
    for (const _ of order) {
      slots.get(running)!.release();
      await settle();
      running = admitted.at(-1)!;
    }
    expect(admitted).toEqual(['b0', ...order]);
  });

  it('gives a free slot to the waiting client with the fewest running, whoever queued first', async () => {
    const gate = new GenerationGate(3, 16);
    const { admitted, slots, enter, settle } = recorder(gate);
    enter('a1');
    enter('a2');
    enter('b1');
    enter('a3');
    enter('b2');
    // a runs two, b one: b's next request goes first although a's queued earlier.
    expect([slots.get('b2')!.position, slots.get('a3')!.position]).toEqual([1, 2]);
    slots.get('b1')!.release();
    await settle();
    expect(admitted.slice(3)).toEqual(['b2']);
  });

  it('tells a waiter each new position, and nothing once it is admitted', async () => {
    const gate = new GenerationGate(1, 16);
    const { slots, enter, settle } = recorder(gate);
    enter('x0');
    enter('a1');
    enter('a2');
    const seen: number[] = [];
    slots.get('a2')!.onPosition((position) => seen.push(position));
    // A newcomer's first request goes ahead of a's second: a2 moves back.
    enter('b1');
    slots.get('x0')!.release();
    await settle();
    slots.get('a1')!.release();
    await settle();
    slots.get('b1')!.release();
    await settle();
    expect(seen).toEqual([3, 2, 1]);
    expect(slots.get('a2')!.position).toBe(0);
  });

  it('a request that leaves the queue frees its place, and the others move up', () => {
    const gate = new GenerationGate(1, 2);
    const { slots, enter } = recorder(gate);
    enter('a0');
    enter('b1');
    enter('c1');
    expect(enter('d1')).toBeNull();
    slots.get('b1')!.release();
    expect(slots.get('c1')!.position).toBe(1);
    expect(enter('d1')?.position).toBe(2);
    expect([gate.inFlight, gate.queued]).toEqual([1, 2]);
  });

  it('releasing twice frees one slot only', async () => {
    const gate = new GenerationGate(1, 4);
    const { admitted, slots, enter, settle } = recorder(gate);
    enter('a1');
    enter('b1');
    enter('c1');
    await settle();
    slots.get('a1')!.release();
    slots.get('a1')!.release();
    await settle();
    expect(admitted).toEqual(['a1', 'b1']);
    expect([gate.inFlight, gate.queued]).toEqual([1, 1]);
  });
});
