/** GitHub's own expression library, to evaluate an example's `if:` as GitHub would. */
import { data, Evaluator, Lexer, Parser } from '@actions/expressions';
import { truthy } from '@actions/expressions/result';

/** An `if:` as GitHub evaluates it (without the implicit success(), which no test here needs). */
export function condition(expression: string | undefined, context: object): boolean {
  if (expression === undefined) return true;
  const source = expression.replace(/^\s*\$\{\{(.*)\}\}\s*$/s, '$1');
  const contexts = Object.keys(context);
  const expr = new Parser(new Lexer(source).lex().tokens, contexts, []).parse();
  const dictionary = JSON.parse(JSON.stringify(context), data.reviver) as data.Dictionary;
  return truthy(new Evaluator(expr, dictionary).evaluate());
}
