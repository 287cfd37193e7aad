/**
 * Text with control characters (and DEL, and C1 controls) shown as escapes, so a file name or a line
 * from a repository cannot forge log lines or send escape sequences to a terminal. Tabs stay.
 */
export function escapeControl(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
  return text.replace(/[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/g, (c) => {
    const code = c.charCodeAt(0);
    if (c === "\n") return "\\n";
    if (c === "\r") return "\\r";
    return code < 0x100 ? `\\x${code.toString(16).padStart(2, "0")}` : c;
  });
}
