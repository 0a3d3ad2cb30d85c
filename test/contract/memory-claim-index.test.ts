import { createMemoryClaimIndex } from '../../src/adapters/memory-index/memory-claim-index.js';
import { describeClaimIndexContract } from './claim-index-contract.js';

describeClaimIndexContract('memory', () =>
  Promise.resolve({ index: createMemoryClaimIndex(), close: () => Promise.resolve() }),
);
