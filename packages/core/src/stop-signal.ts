/**
 * What Sluice's interfaces use of an AbortSignal (SubscriptionQueue.take, the dispatcher's
 * DeliveryRequest): whether it fired, and one-shot "abort" listeners. A standard AbortSignal fits;
 * so does a StopSignal.
 */
export interface AbortSignalLike {
  readonly aborted: boolean;
  addEventListener(type: "abort", listener: () => void, options?: { readonly once?: boolean }): void;
  removeEventListener(type: "abort", listener: () => void): void;
}

/**
 * A signal for an owner that lives as long as the process and stops at most once — a trigger
 * worker has two, one for its pending take and one for its deliveries. In Node 20 every
 * AbortController costs ~6 µs and ~1 KB of heap that stays (each AbortSignal gets a hidden class
 * of its own, and an EventTarget's two maps), which with 10,000 triggers was an eighth of their idle
 * heap. This is one small object; a second listener at a time adds a short array.
 *
 * Listeners run once, in the order added, on the first abort(); a listener added after that never
 * runs (callers check `aborted` first, as with an AbortSignal).
 */
export class StopSignal implements AbortSignalLike {
  #aborted = false;
  /** The one listener most owners have (a pending take, or the dispatcher): no array for it. */
  #first: (() => void) | undefined;
  /** Listeners after the first, in the order added. */
  #more: (() => void)[] | undefined;

  get aborted(): boolean {
    return this.#aborted;
  }

  /** Listeners waiting for the abort: a caller that forgot to remove one shows here. */
  get listening(): number {
    return (this.#first === undefined ? 0 : 1) + (this.#more?.length ?? 0);
  }

  addEventListener(_type: "abort", listener: () => void): void {
    if (this.#aborted) return;
    if (this.#first === undefined && this.#more === undefined) this.#first = listener;
    else (this.#more ??= []).push(listener);
  }

  removeEventListener(_type: "abort", listener: () => void): void {
    if (this.#first === listener) {
      this.#first = this.#more?.shift();
      if (this.#more?.length === 0) this.#more = undefined;
      return;
    }
    const more = this.#more;
    if (more === undefined) return;
    const i = more.indexOf(listener);
    if (i !== -1) more.splice(i, 1);
    if (more.length === 0) this.#more = undefined;
  }

  abort(): void {
    if (this.#aborted) return;
    this.#aborted = true;
    const first = this.#first;
    const more = this.#more;
    this.#first = undefined;
    this.#more = undefined;
    first?.();
    if (more !== undefined) for (const listener of more) listener();
  }
}
