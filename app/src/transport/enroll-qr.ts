// The enrollment QR code's text (`taizhang:enroll?code=…&server=…`, written by the sync server's
// admin commands) read back into the join form's two fields.

export interface EnrollQr {
  code: string;
  /** The server address, when the code carries one. */
  server: string | null;
}

/** Reads a scanned text; null when it is not a Taizhang enrollment code. */
export function parseEnrollQr(text: string): EnrollQr | null {
  const t = text.trim();
  const prefix = "taizhang:enroll?";
  if (!t.startsWith(prefix)) return null;
  const rest = t.slice(prefix.length);
  // The server address comes last and may itself hold "&" or "=": everything after "server=".
  const at = rest.indexOf("server=");
  const head = at >= 0 ? rest.slice(0, at) : rest;
  const server = at >= 0 ? rest.slice(at + "server=".length).trim() : null;
  const code = head
    .split("&")
    .map((p) => p.split("="))
    .find(([k]) => k === "code")?.[1]
    ?.trim();
  if (!code) return null;
  return { code, server: server || null };
}
