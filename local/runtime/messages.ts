/**
 * Subscription messages in local mode: server/notify.ts delivers through `cloud.openapi.subscribeMessage.send`
 * on CloudBase; here the runtime installs a sender under the same global symbol that checks each message as
 * WeChat would and writes one JSON line to the gateway log. The message itself is the function's `outbox`
 * record (claimed before delivery, marked sent after).
 *
 * Stricter than nothing, as WeChat is: the field rules of subscribeMessage.send
 * (https://developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/mp-message-management/subscribe-message/sendMessage.html):
 * thing.DATA at most 20 characters, number.DATA digits (at most 32), date.DATA a date; a template id and
 * an openid present. A message breaking one is refused with errCode 47003 (argument invalid), as WeChat does.
 */
const SENDER = Symbol.for('merchant-grid.subscribeMessage.sender');

interface Msg {
  touser: string;
  templateId: string;
  page: string;
  data: Record<string, { value: string }>;
}

/** Why WeChat would refuse this message, or null. */
export function messageProblem(msg: Msg): string | null {
  if (!msg.touser) return 'touser is empty';
  if (!msg.templateId) return 'template_id is empty';
  for (const [key, { value }] of Object.entries(msg.data ?? {})) {
    if (key.startsWith('thing') && (value.length === 0 || value.length > 20)) return `${key}.DATA must be 1-20 characters`;
    if (key.startsWith('number') && !/^\d{1,32}(\.\d+)?$/.test(value)) return `${key}.DATA must be a number`;
    if (key.startsWith('date') && !/^\d{4}-\d{2}-\d{2}( \d{2}:\d{2})?$/.test(value)) return `${key}.DATA must be a date`;
  }
  return null;
}

/** Installs the local sender; `log` receives one line per message (default: a JSON line on stdout). */
export function installLocalMessages(log: (line: Record<string, unknown>) => void = (line) => process.stdout.write(`${JSON.stringify(line)}\n`)): () => void {
  const g = globalThis as Record<symbol, unknown>;
  const before = g[SENDER];
  g[SENDER] = async (msg: Msg) => {
    const problem = messageProblem(msg);
    if (problem) throw { errCode: 47003, errMsg: `openapi.subscribeMessage.send:fail argument invalid! data.${problem}` };
    // The openid is left out of the log: the outbox record names the staff member.
    log({ level: 'info', openapi: 'subscribeMessage.send', templateId: msg.templateId, page: msg.page, data: Object.fromEntries(Object.entries(msg.data).map(([k, v]) => [k, v.value])) });
  };
  return () => {
    g[SENDER] = before;
  };
}
