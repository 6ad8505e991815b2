/** Ctrl-C for tests: the handlers a command installs, fired on demand instead of by the process's signals. */
export class FakeInterrupts {
  handlers: Array<() => void> = [];
  uninstalled = 0;
  readonly install = (handler: () => void): (() => void) => {
    this.handlers.push(handler);
    return () => {
      this.uninstalled += 1;
      this.handlers = this.handlers.filter((h) => h !== handler);
    };
  };
  fire(): void {
    for (const h of [...this.handlers]) h();
  }
}
