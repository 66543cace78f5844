/** What an operation may tell the person reading the run: the runner adapter decides how it is shown. */
export interface Reporter {
  info(message: string): void;
  notice(message: string, title?: string): void;
  warning(message: string, title?: string): void;
}
