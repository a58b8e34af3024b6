// What a call that must fail threw, for assertions on its type and message; a call that did not fail
// answers an Error saying so, so the assertions after it fail with a clear message.
export function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  return new Error('no error');
}

export function rejection(p: Promise<unknown>): Promise<Error> {
  return p.then(
    () => new Error('no error'),
    (e: unknown) => e as Error,
  );
}
