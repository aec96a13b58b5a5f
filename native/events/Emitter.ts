// Typed events in the style of xterm.js and VS Code: a class keeps its emitter private
// (`_onData`) and exposes only `onData = this._onData.event`, which returns a disposable.

export interface Disposable {
  dispose(): void;
}

export type Event<T> = (listener: (value: T) => void) => Disposable;

export class Emitter<T> {
  private readonly listeners = new Set<(value: T) => void>();

  readonly event: Event<T> = (listener) => {
    // Wrapped so that the same function subscribed twice is two subscriptions.
    const subscription = (value: T): void => listener(value);
    this.listeners.add(subscription);
    return { dispose: () => this.listeners.delete(subscription) };
  };

  fire(value: T): void {
    for (const listener of this.listeners) listener(value);
  }

  dispose(): void {
    this.listeners.clear();
  }
}
