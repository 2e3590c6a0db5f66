/**
 * Message templates, in ESLint's form: a rule declares `meta.messages`
 * (`{ id: 'text with {{name}} placeholders' }`) and reports a `messageId`
 * with `data`; the engine fills the text in. The same functions render the
 * fix engine's reasons (src/fixers/reasons.ts).
 */

/** Values of a message's placeholders, by name. */
export type MessageData = Record<string, string>;

const PLACEHOLDER = /\{\{\s*([^{}]+?)\s*\}\}/g;

/** The placeholder names of a template, in order of first appearance. */
export function placeholders(template: string): string[] {
  const out: string[] = [];
  for (const m of template.matchAll(PLACEHOLDER)) if (!out.includes(m[1]!)) out.push(m[1]!);
  return out;
}

/**
 * Fills a template's `{{name}}` placeholders from `data`. A placeholder
 * without data is a bug of the code that reports the message: it throws
 * (checked while filling, so it costs nothing).
 */
export function formatMessage(template: string, data: MessageData = {}, what = 'message'): string {
  return template.replace(PLACEHOLDER, (_, name: string) => {
    const v = data[name];
    if (v === undefined) throw new Error(`${what}: no data for the placeholder {{${name}}}`);
    return v;
  });
}

/** The template of `messageId` in `messages`; an unknown id is a bug of the reporting code and throws. */
export function templateOf(messages: Readonly<Record<string, string>>, messageId: string, what: string): string {
  const t = Object.hasOwn(messages, messageId) ? messages[messageId] : undefined;
  if (t === undefined) throw new Error(`${what}: unknown messageId '${messageId}' (declared: ${Object.keys(messages).join(', ') || 'none'})`);
  return t;
}
