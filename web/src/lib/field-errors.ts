/** A tRPC client error as the app sees it: the server names each bad field in `data.issues`. */
export type ServerError = {
  message: string;
  data?: { httpStatus?: number; issues?: { path: string; message: string }[] } | null;
};

/**
 * Splits a server's refusal into messages per form field and the rest, so each message is
 * shown next to the field it is about. An issue path `scope.teamName` goes to the field
 * `teamName` when the form has no `scope.teamName`; a message without issues that starts
 * with a field's name ("rrule: …", "timeZone must be …") goes to that field; an item of a list
 * field (`channels.1`) goes to the list's field.
 */
export function fieldErrors<F extends string>(
  err: ServerError | null | undefined,
  fields: readonly F[],
): { byField: Partial<Record<F, string>>; general: string | null } {
  const byField: Partial<Record<F, string>> = {};
  if (!err) return { byField, general: null };
  const match = (path: string): F | undefined =>
    fields.find((f) => f === path) ??
    fields.find((f) => f === path.split('.').at(-1)) ??
    // An item of a list field ("channels.1") belongs to the list's input.
    fields.find((f) => path.startsWith(`${f}.`));
  const rest: string[] = [];
  const add = (f: F | undefined, msg: string) => {
    if (f) byField[f] = byField[f] ? `${byField[f]}; ${msg}` : msg;
    else rest.push(msg);
  };
  const issues = err.data?.issues;
  if (issues?.length) for (const i of issues) add(match(i.path), i.message);
  else {
    for (const part of err.message.split('; ')) {
      const head = /^([A-Za-z][\w.]*)\b/.exec(part)?.[1];
      add(head ? match(head.replace(/:$/, '')) : undefined, part);
    }
  }
  return { byField, general: rest.length ? rest.join('; ') : null };
}
