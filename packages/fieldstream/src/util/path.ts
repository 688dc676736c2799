// A path into a JSON value and how it reads in messages: the ground floor's shared vocabulary, used
// from the parser up to the errors that point at a field.

/** An object key or an array index. */
export type PathSegment = string | number;

/** `users[1].email`, or `(root)`. */
export function formatPath(path: readonly PathSegment[]): string {
  if (path.length === 0) return "(root)";
  let out = "";
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(segment)) out += out === "" ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}
