/**
 * Text from jobs and users made safe to print on a terminal: every C0 and C1 control character (ESC, CSI
 * \x9b, BEL, carriage return, backspace, DEL …) except newline and tab is shown as a visible escape (`\x1b`),
 * so job output cannot clear the screen, move the cursor to forge a line, set the clipboard (OSC 52) or
 * change the window title. A CRLF line end is read as a newline.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /\r\n|[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g

export function forTerminal(text: string): string {
  return text.replace(CONTROL, (c) => (c === '\r\n' ? '\n' : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`))
}

// C1 controls and DEL, which JSON.stringify leaves raw
const RAW_IN_JSON = /[\u007f-\u009f]/g

/**
 * JSON text with the control characters JSON.stringify leaves raw (DEL and the C1 range, which some terminals
 * obey) written as \u escapes: the same data, nothing a terminal acts on.
 */
export function jsonForTerminal(json: string): string {
  return json.replace(RAW_IN_JSON, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
}
