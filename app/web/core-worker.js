// The web client's worker (copied as-is into dist-web by scripts/web-build.sh): loads the
// WebAssembly core from pkg/ (wasm-bindgen's output), opens the ledger in OPFS — only a
// dedicated worker may, the VFS needs synchronous access handles — and runs the commands the
// page posts: { id, name, req } -> { id, ok, value | error } (JSON text both ways).
let core = null;

self.onmessage = async (ev) => {
  const m = ev.data;
  const answer = (ok, v) => self.postMessage(ok ? { id: m.id, ok, value: v } : { id: m.id, ok, error: v });
  try {
    if (m.open) {
      const pkg = await import(m.pkg);
      await pkg.default();
      // After a reload the previous page's worker may still hold the store's OPFS handles for a
      // moment: try again for up to 10 s before saying the store cannot be opened.
      for (let attempt = 0; ; attempt++) {
        try {
          core = await pkg.open(m.server);
          break;
        } catch (e) {
          if (attempt >= 40) throw e;
          await new Promise((r) => setTimeout(r, 250));
        }
      }
      return answer(true, "null");
    }
    if (!core) return answer(false, "the core is not open yet");
    if (m.autoSync) return answer(true, await core.auto_sync());
    return answer(true, await core.call(m.name, m.req));
  } catch (e) {
    answer(false, typeof e === "string" ? e : String(e && e.message ? e.message : e));
  }
};
