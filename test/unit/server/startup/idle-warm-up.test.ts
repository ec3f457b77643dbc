import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { runtimeSteps, schemaSteps, startIdleWarmUp } from '../../../../server/startup/idle-warm-up.ts';

describe('startIdleWarmUp', () => {
  it('runs one step per event-loop turn: work queued meanwhile runs between two steps', async () => {
    const order: string[] = [];
    const handle = startIdleWarmUp([
      () => {
        order.push('step 1');
        setImmediate(() => order.push('other work'));
      },
      () => order.push('step 2'),
    ]);
    expect(order).toEqual([]); // nothing runs in the caller's turn
    expect(await handle.finished).toBe(2);
    expect(order).toEqual(['step 1', 'other work', 'step 2']);
  });

  it('runs no step while busy, and goes on once it is not', async () => {
    let busy = true;
    let ran = 0;
    const handle = startIdleWarmUp([() => ran++, () => ran++], { busy: () => busy, retryMs: 5 });
    await new Promise((r) => setTimeout(r, 40));
    expect(ran).toBe(0);
    busy = false;
    expect(await handle.finished).toBe(2);
    expect(ran).toBe(2);
  });

  it('skips a step that throws (and a busy check that throws counts as idle), never throwing itself', async () => {
    let ran = 0;
    const handle = startIdleWarmUp(
      [
        () => {
          throw new Error('bad step');
        },
        () => ran++,
      ],
      {
        busy: () => {
          throw new Error('bad check');
        },
      },
    );
    expect(await handle.finished).toBe(2);
    expect(ran).toBe(1);
  });

  it('runs to the end in a process with nothing else to wake its event loop', async () => {
    // An unref'd immediate lets the loop block for I/O; here, with no other handle, the process would end first.
    const module = new URL('../../../../server/startup/idle-warm-up.ts', import.meta.url).href;
    const script = `
      const { startIdleWarmUp } = await import(${JSON.stringify(module)});
      const steps = Array.from({ length: 50 }, () => () => undefined);
      process.stdout.write(String(await startIdleWarmUp(steps).finished));`;
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script]);
    expect(stdout).toBe('50');
  });

  it('waits for a step that returns a promise before the next, and goes on past one that rejects', async () => {
    const order: string[] = [];
    const handle = startIdleWarmUp([
      async () => {
        order.push('async step begins');
        await new Promise((r) => setTimeout(r, 20));
        order.push('async step ends');
      },
      () => Promise.reject(new Error('bad async step')),
      () => order.push('last step'),
    ]);
    expect(await handle.finished).toBe(3);
    expect(order).toEqual(['async step begins', 'async step ends', 'last step']);
  });

  it('goes on past a step whose promise never settles, after stepMaxMs', async () => {
    let ran = 0;
    const handle = startIdleWarmUp([() => new Promise(() => undefined), () => ran++], { stepMaxMs: 20 });
    expect(await handle.finished).toBe(2);
    expect(ran).toBe(1);
  });

  it('waits delayMs before the first step', async () => {
    let ran = 0;
    const handle = startIdleWarmUp([() => ran++], { delayMs: 30 });
    await new Promise((r) => setImmediate(r));
    expect(ran).toBe(0);
    expect(await handle.finished).toBe(1);
  });

  it('stops before the next step', async () => {
    let ran = 0;
    const handle = startIdleWarmUp([() => ran++, () => ran++, () => ran++]);
    handle.stop();
    expect(await handle.finished).toBe(0);
    await new Promise((r) => setTimeout(r, 10));
    expect(ran).toBe(0);
  });
});

describe('schemaSteps', () => {
  it('parses every object inside the schemas once, innermost first', () => {
    const parsed: string[] = [];
    const spy = <T extends z.ZodType>(name: string, schema: T): T => {
      const standard = schema['~standard'];
      const validate = standard.validate;
      Object.defineProperty(schema, '~standard', {
        value: {
          ...standard,
          validate: (value: unknown) => {
            parsed.push(name);
            return validate(value);
          },
        },
      });
      return schema;
    };
    const inner = spy('inner', z.object({ n: z.number() }));
    const outer = spy('outer', z.object({ inner, list: z.array(inner).optional() }));
    const steps = [...schemaSteps([outer, 'not a schema'], undefined)];
    expect(parsed).toEqual([]); // built without parsing
    for (const step of steps) step();
    expect(parsed).toEqual(['inner', 'outer']);
  });

  it('builds no step from what is not a zod schema', () => {
    expect([...schemaSteps([undefined, null, {}, { _zod: {} }])]).toEqual([]);
  });
});

describe('runtimeSteps', () => {
  it('run without throwing and return nothing', () => {
    for (const step of runtimeSteps()) expect(step()).toBeUndefined();
  });
});
