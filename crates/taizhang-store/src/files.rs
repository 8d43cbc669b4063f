//! Files where there is no file system (the web client, issue 21): the browser's Origin Private
//! File System is reached only through the SQLite VFS's pool, so the web client installs a
//! [`Files`] for it at start ([`install`]) and the store's cipher (encrypting a plain store in
//! place, erasing a wiped one), the app lock's state and the settings go through it there.
//!
//! A pool file can be written whole but not renamed, so a small file that must never be lost
//! half-written (the lock state: its salt is what opens the store) is kept in two slots,
//! `<name>.a` and `<name>.b`, each with a sequence number and a checksum ([`save_atomic`],
//! [`load_atomic`]): a write goes to the slot that does not hold the newest copy, so a crash
//! while writing leaves the previous copy readable. This part is plain Rust, tested natively.

use std::cell::RefCell;
use std::io;
use std::rc::Rc;

/// Whole files by name.
pub trait Files {
    /// The file's bytes; `None` when there is no such file.
    fn read(&self, name: &str) -> io::Result<Option<Vec<u8>>>;
    /// The first `len` bytes (fewer when the file is shorter); `None` when there is no such file.
    fn head(&self, name: &str, len: usize) -> io::Result<Option<Vec<u8>>> {
        Ok(self.read(name)?.map(|mut b| {
            b.truncate(len);
            b
        }))
    }
    /// Replaces the file with `bytes` (not atomically: see [`save_atomic`]).
    fn write(&self, name: &str, bytes: &[u8]) -> io::Result<()>;
    /// Removes the file; a missing one is fine.
    fn remove(&self, name: &str) -> io::Result<()>;
}

thread_local! {
    static INSTALLED: RefCell<Option<Rc<dyn Files>>> = const { RefCell::new(None) };
}

/// Makes `files` the files of this thread (the web client's worker, once its pool is open).
pub fn install(files: Rc<dyn Files>) {
    INSTALLED.with(|f| *f.borrow_mut() = Some(files));
}

/// The files [`install`]ed on this thread, if any.
pub fn installed() -> Option<Rc<dyn Files>> {
    INSTALLED.with(|f| f.borrow().clone())
}

/// The installed files, or an error in words (a browser build that opened no pool).
pub fn files() -> io::Result<Rc<dyn Files>> {
    installed().ok_or_else(|| io::Error::other("no browser storage is open on this thread"))
}

const MAGIC: &[u8; 4] = b"TZs1";

/// FNV-1a, 64 bits: finds a torn or partial write (not an attacker: these files are not secret).
fn checksum(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3))
}

fn slot_names(name: &str) -> [String; 2] {
    [format!("{name}.a"), format!("{name}.b")]
}

/// A slot's sequence number and payload, when it is whole.
fn parse_slot(bytes: &[u8]) -> Option<(u64, &[u8])> {
    let rest = bytes.strip_prefix(MAGIC.as_slice())?;
    let seq = u64::from_le_bytes(rest.get(..8)?.try_into().ok()?);
    let sum = u64::from_le_bytes(rest.get(8..16)?.try_into().ok()?);
    let len = usize::try_from(u32::from_le_bytes(rest.get(16..20)?.try_into().ok()?)).ok()?;
    let payload = rest.get(20..20 + len)?;
    let mut summed = seq.to_le_bytes().to_vec();
    summed.extend_from_slice(payload);
    (checksum(&summed) == sum).then_some((seq, payload))
}

/// A slot's sequence number and payload (both `None` when absent or not whole).
type Slot = (Option<u64>, Option<Vec<u8>>);

/// Each slot's sequence number and payload, when whole.
fn slots(files: &dyn Files, name: &str) -> io::Result<[Slot; 2]> {
    let [a, b] = slot_names(name);
    let read = |n: &str| -> io::Result<Slot> {
        Ok(match files.read(n)? {
            Some(bytes) => match parse_slot(&bytes) {
                Some((seq, payload)) => (Some(seq), Some(payload.to_vec())),
                None => (None, None),
            },
            None => (None, None),
        })
    };
    Ok([read(&a)?, read(&b)?])
}

/// The newest whole copy of `name` kept by [`save_atomic`], if any.
pub fn load_atomic(files: &dyn Files, name: &str) -> io::Result<Option<Vec<u8>>> {
    let [(sa, pa), (sb, pb)] = slots(files, name)?;
    Ok(match (sa, sb) {
        (Some(a), Some(b)) if b > a => pb,
        (Some(_), _) => pa,
        (None, Some(_)) => pb,
        (None, None) => None,
    })
}

/// Keeps `bytes` as the new copy of `name`: written into the slot that does not hold the newest
/// copy, so a crash half-way leaves that copy to [`load_atomic`].
pub fn save_atomic(files: &dyn Files, name: &str, bytes: &[u8]) -> io::Result<()> {
    let [(sa, _), (sb, _)] = slots(files, name)?;
    let [a, b] = slot_names(name);
    let (target, seq) = match (sa, sb) {
        (Some(x), Some(y)) if x >= y => (b, x + 1),
        (Some(_), Some(y)) => (a, y + 1),
        (Some(x), None) => (b, x + 1),
        (None, Some(y)) => (a, y + 1),
        (None, None) => (a, 1),
    };
    let len = u32::try_from(bytes.len()).map_err(|_| io::Error::other("too large for a small file"))?;
    let mut summed = seq.to_le_bytes().to_vec();
    summed.extend_from_slice(bytes);
    let mut out = MAGIC.to_vec();
    out.extend_from_slice(&seq.to_le_bytes());
    out.extend_from_slice(&checksum(&summed).to_le_bytes());
    out.extend_from_slice(&len.to_le_bytes());
    out.extend_from_slice(bytes);
    files.write(&target, &out)
}

/// Removes both slots of `name`.
pub fn remove_atomic(files: &dyn Files, name: &str) -> io::Result<()> {
    for n in slot_names(name) {
        files.remove(&n)?;
    }
    Ok(())
}

/// Files in memory (tests of what runs over [`Files`]), with a way to tear the next write.
#[derive(Debug, Default)]
pub struct MemFiles {
    pub files: RefCell<std::collections::BTreeMap<String, Vec<u8>>>,
    /// The next write stores only this many bytes (a crash mid-write), then the flag clears.
    pub tear_next_write_at: RefCell<Option<usize>>,
}

impl Files for MemFiles {
    fn read(&self, name: &str) -> io::Result<Option<Vec<u8>>> {
        Ok(self.files.borrow().get(name).cloned())
    }
    fn write(&self, name: &str, bytes: &[u8]) -> io::Result<()> {
        let cut = self.tear_next_write_at.borrow_mut().take();
        let kept = cut.map_or(bytes, |n| &bytes[..n.min(bytes.len())]);
        self.files.borrow_mut().insert(name.to_string(), kept.to_vec());
        if cut.is_some() {
            return Err(io::Error::other("torn write"));
        }
        Ok(())
    }
    fn remove(&self, name: &str) -> io::Result<()> {
        self.files.borrow_mut().remove(name);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_newest_copy_is_read_back() {
        let f = MemFiles::default();
        assert_eq!(load_atomic(&f, "x").expect("load"), None);
        for i in 0..5u8 {
            save_atomic(&f, "x", &[i; 3]).expect("save");
            assert_eq!(load_atomic(&f, "x").expect("load"), Some(vec![i; 3]));
        }
        assert_eq!(f.files.borrow().len(), 2, "two slots, never more");
    }

    #[test]
    fn a_torn_write_leaves_the_previous_copy() {
        let f = MemFiles::default();
        save_atomic(&f, "lock", b"first").expect("save");
        save_atomic(&f, "lock", b"second").expect("save");
        for cut in [0, 3, 10, 30] {
            *f.tear_next_write_at.borrow_mut() = Some(cut);
            assert!(save_atomic(&f, "lock", b"third, never whole").is_err());
            assert_eq!(load_atomic(&f, "lock").expect("load"), Some(b"second".to_vec()), "cut at {cut}");
        }
        save_atomic(&f, "lock", b"fourth").expect("save");
        assert_eq!(load_atomic(&f, "lock").expect("load"), Some(b"fourth".to_vec()));
    }

    #[test]
    fn a_flipped_byte_is_not_taken_for_the_newest_copy() {
        let f = MemFiles::default();
        save_atomic(&f, "s", b"old").expect("save");
        save_atomic(&f, "s", b"new").expect("save");
        f.files.borrow_mut().get_mut("s.b").expect("slot b")[25] ^= 1;
        assert_eq!(load_atomic(&f, "s").expect("load"), Some(b"old".to_vec()));
        remove_atomic(&f, "s").expect("rm");
        assert_eq!(load_atomic(&f, "s").expect("load"), None);
    }
}
