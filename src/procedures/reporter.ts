/** What a procedure may tell the person reading the run: the runner adapter decides how it is shown. */
export interface Reporter {
  info(message: string): void;
  /** Debug lines; undefined when the runner does not show them, so that none are built. */
  debug?: ((message: string) => void) | undefined;
  notice(message: string, title?: string): void;
  warning(message: string, title?: string): void;
  /** Folds what `fn` reports under a title, as one item of a run. */
  group<T>(title: string, fn: () => Promise<T>): Promise<T>;
}
