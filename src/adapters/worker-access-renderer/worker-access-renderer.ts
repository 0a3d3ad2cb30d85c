import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { OUTPUT_TOOLS, type AccessFile } from '../../domain/access/access-output.js';
import { compileAccessFiles, mergeAccessFiles } from '../../domain/access/compile-access.js';
import { UnavailableError } from '../../domain/errors.js';
import type { Tenancy } from '../../domain/tenancy/tenancy-schema.js';
import type { AccessFileRenderer } from '../../ports/access-file-renderer.js';
import type { RenderReply, RenderRequest } from './render-message.js';
import { toolShares } from './tool-shares.js';

export interface WorkerAccessRendererOptions {
  /**
   * Worker threads per render, capped by `availableParallelism()`; 0 renders in process.
   * Default 1: on the 2-core bench host two workers were slower than one (the isolates and
   * their GC helper threads contend), see docs/access-compiler.md.
   */
  readonly workers?: number;
  /** Models with fewer products render in process: starting a worker costs ~0.1 s. */
  readonly minProducts?: number;
  /** A worker that has not answered by then is stopped and the render fails. */
  readonly timeoutMs?: number;
  /**
   * Young generation of each worker (MiB). At V8's default a worker rendered 2,000 teams in
   * 4.5 s against 3.7 s in the main thread; at 48 as fast as the main thread, at 192 slower.
   */
  readonly youngGenerationMb?: number;
  /** The worker's entry module (tests point it at a failing one). */
  readonly entry?: URL;
}

/**
 * The compiled worker entry. Under vitest this module runs from its `.ts` source, but a
 * worker thread is plain Node and cannot load TypeScript, so it starts the build's copy in
 * `dist/` (`npm test` builds before vitest runs).
 */
export function renderWorkerEntry(): URL {
  return import.meta.url.endsWith('.ts')
    ? new URL(
        '../../../dist/adapters/worker-access-renderer/access-render-worker.js',
        import.meta.url,
      )
    : new URL('./access-render-worker.js', import.meta.url);
}

interface RunningWorker {
  readonly files: Promise<readonly AccessFile[]>;
  readonly stop: () => void;
}

function startWorker(
  entry: URL,
  request: RenderRequest,
  limits: { timeoutMs: number; youngGenerationMb: number },
): RunningWorker {
  const { timeoutMs, youngGenerationMb } = limits;
  const worker = new Worker(entry, {
    workerData: request,
    resourceLimits: { maxYoungGenerationSizeMb: youngGenerationMb },
  });
  let settled = false;
  let timer: NodeJS.Timeout | undefined;
  const files = new Promise<readonly AccessFile[]>((resolve, reject) => {
    const fail = (cause: unknown): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void worker.terminate();
      reject(
        new UnavailableError(
          `The access render worker for ${request.tools.join(', ')} failed: ${cause instanceof Error ? cause.message : String(cause)}`,
          { cause },
        ),
      );
    };
    timer = setTimeout(() => fail(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    worker.once('message', (reply: RenderReply) => {
      if (!reply.ok) return fail(Object.assign(new Error(reply.message), { stack: reply.stack }));
      settled = true;
      clearTimeout(timer);
      resolve(reply.files);
    });
    worker.once('error', fail);
    worker.once('exit', (code) => fail(new Error(`exited with code ${code} before answering`)));
  });
  return { files, stop: () => void worker.terminate() };
}

/**
 * Renders the access files in worker threads, each running a disjoint share of the
 * generators over its own copy of the model; the main thread joins the shares, so the
 * files are the in-process render's, byte for byte and in the same order. Workers live for
 * one render: each holds a full access graph (hundreds of MB at 2,000 teams), which an idle
 * pool would keep between the rare renders, and a failed worker cannot affect the next.
 * One worker keeps a server's event loop free during a render (which then takes longer:
 * see docs/access-compiler.md); a model under `minProducts` renders in process.
 *
 * @throws UnavailableError (rejects) when a worker throws, crashes or times out; the other
 *   workers are stopped.
 */
export function createWorkerAccessRenderer(
  options: WorkerAccessRendererOptions = {},
): AccessFileRenderer {
  const workers = Math.floor(Math.min(options.workers ?? 1, availableParallelism()));
  const minProducts = options.minProducts ?? 100;
  const limits = {
    timeoutMs: options.timeoutMs ?? 10 * 60_000,
    youngGenerationMb: options.youngGenerationMb ?? 48,
  };
  const entry = options.entry ?? renderWorkerEntry();
  return {
    async render(model: Tenancy) {
      const products = model.organizations.reduce((n, org) => n + org.products.length, 0);
      if (workers < 1 || products < minProducts)
        return mergeAccessFiles([compileAccessFiles(model, OUTPUT_TOOLS)]);
      const running = toolShares(workers).map((tools) =>
        startWorker(entry, { model, tools }, limits),
      );
      try {
        return mergeAccessFiles(await Promise.all(running.map((worker) => worker.files)));
      } catch (error) {
        for (const worker of running) worker.stop();
        throw error;
      }
    },
  };
}
