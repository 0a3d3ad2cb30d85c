/**
 * Entry of a render worker thread: receives one {@link RenderRequest} as `workerData`,
 * renders its tools' files and posts one {@link RenderReply}, then exits.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { compileAccessFiles } from '../../domain/access/compile-access.js';
import type { RenderReply, RenderRequest } from './render-message.js';

function reply(): RenderReply {
  try {
    const { model, tools } = workerData as RenderRequest;
    return { ok: true, files: compileAccessFiles(model, tools) };
  } catch (error) {
    const failure = error instanceof Error ? error : new Error(String(error));
    return {
      ok: false,
      message: failure.message,
      ...(failure.stack === undefined ? {} : { stack: failure.stack }),
    };
  }
}

if (!parentPort) throw new TypeError('access-render-worker runs in a worker thread only');
parentPort.postMessage(reply());
