/**
 * Wraps a contract test: a fresh harness from `create` for each test, closed afterwards
 * whether the test passed or not.
 */
export function withHarness<H extends { close(): Promise<void> }>(create: () => Promise<H>) {
  return (test: (harness: H) => Promise<void>) => async (): Promise<void> => {
    const harness = await create();
    try {
      await test(harness);
    } finally {
      await harness.close();
    }
  };
}
