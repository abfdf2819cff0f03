/**
 * Cleanup that runs whatever happens: a stack of undo actions (stop this
 * server, drop that database, remove this directory), run newest first when a
 * suite ends, fails, or the run is interrupted (Ctrl-C, SIGTERM).
 */
export type CleanupAction = () => Promise<void> | void;

export class Cleanup {
  private readonly actions: { label: string; action: CleanupAction }[] = [];

  /** Registers an action; returns a function that runs it now (once) and unregisters it. */
  defer(label: string, action: CleanupAction): () => Promise<void> {
    const entry = { label, action };
    this.actions.push(entry);
    return async () => {
      const index = this.actions.indexOf(entry);
      if (index === -1) return;
      this.actions.splice(index, 1);
      await entry.action();
    };
  }

  /** Runs every pending action, newest first; reports failures but keeps going. */
  async runAll(): Promise<void> {
    while (this.actions.length > 0) {
      const entry = this.actions.pop()!;
      try {
        await entry.action();
      } catch (error) {
        console.error(`cleanup: ${entry.label} failed: ${(error as Error).message}`);
      }
    }
  }
}
