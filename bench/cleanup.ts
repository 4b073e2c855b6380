/**
 * Undo actions, run last-in first-out exactly once — at the end, on failure
 * or on Ctrl-C, whichever comes first. A failing action does not stop the
 * others; its error is reported.
 */
export class Cleanup {
  readonly #actions: { readonly name: string; readonly run: () => Promise<unknown> }[] = [];
  #done: Promise<void> | undefined;

  add(name: string, run: () => Promise<unknown>): void {
    if (this.#done) throw new Error(`cleanup already ran; cannot add "${name}"`);
    this.#actions.push({ name, run });
  }

  run(onError: (name: string, error: unknown) => void): Promise<void> {
    this.#done ??= (async () => {
      for (const action of this.#actions.toReversed()) {
        try {
          await action.run();
        } catch (error) {
          onError(action.name, error);
        }
      }
    })();
    return this.#done;
  }
}
