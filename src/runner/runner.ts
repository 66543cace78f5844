import type { WorkflowContext } from '../actions/common.ts';
import type { Reporter } from '../procedures/reporter.ts';

/**
 * Everything the action asks of the runner that runs it. github.ts is the one
 * implementation and the only place that knows @actions/*; the rest of src/
 * talks to this.
 */
export interface Runner extends Reporter {
  /** An input's value, trimmed; '' when it is not set. */
  input(name: string): string;
  /** Masks a value in every later line of the log. */
  secret(value: string): void;
  /** Writes debug lines; undefined when the runner does not show them, so that none are built. */
  debug: ((message: string) => void) | undefined;
  /** An error annotation; the step fails. */
  fail(message: string, title: string): void;
  output(name: string, value: string): void;
  group<T>(title: string, fn: () => Promise<T>): Promise<T>;
  /** Appends HTML to the job summary; does nothing when the runner gives no summary file. */
  appendSummary(html: string): Promise<void>;
  readonly workflow: WorkflowContext;
  readonly env: NodeJS.ProcessEnv;
}
