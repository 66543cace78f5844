/** What a procedure may tell the person reading the run: the runner adapter decides how it is shown. */
export interface Reporter {
  info(message: string): void;
  notice(message: string, title?: string): void;
  warning(message: string, title?: string): void;
  /** Folds what `fn` reports under a title, as one item of a run. */
  group<T>(title: string, fn: () => Promise<T>): Promise<T>;
}
