/**
 * @actions/workflow-parser imports its JSON schemas without `with { type: 'json' }`,
 * which Node refuses. This hook adds the attribute, so that Node loads the
 * parser as it is, without vite transforming it.
 */
import { registerHooks } from 'node:module';

registerHooks({
  resolve(specifier, context, nextResolve) {
    if (specifier.endsWith('.json') && context.parentURL?.includes('/@actions/workflow-parser/')) {
      const resolved = nextResolve(specifier, context);
      return { ...resolved, importAttributes: { ...resolved.importAttributes, type: 'json' } };
    }
    return nextResolve(specifier, context);
  },
});
