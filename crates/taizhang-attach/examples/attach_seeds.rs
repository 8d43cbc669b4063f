//! Writes the seed corpus of the attachment fuzz target (`fuzz/seeds/blob_chunk`): a first,
//! a middle and a last chunk of a file, valid, so the fuzzer starts from the real shapes.
//! Run: `cargo run -p taizhang-attach --example attach_seeds`.

use std::path::PathBuf;

use taizhang_attach::wire::encode_chunk;
use taizhang_attach::{blob_hash, Kind};

fn main() -> std::io::Result<()> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/seeds/blob_chunk");
    std::fs::create_dir_all(&dir)?;
    let file: Vec<u8> = b"\xFF\xD8\xFF\xE0".iter().copied().chain((0..200u32).map(|i| (i * 7) as u8)).collect();
    let hash = blob_hash(&file);
    let total = file.len() as u64;
    std::fs::write(dir.join("first"), encode_chunk(Kind::Jpeg, &hash, total, 0, &file[..64]))?;
    std::fs::write(dir.join("middle"), encode_chunk(Kind::Jpeg, &hash, total, 64, &file[64..128]))?;
    std::fs::write(dir.join("last"), encode_chunk(Kind::Jpeg, &hash, total, 128, &file[128..]))?;
    std::fs::write(dir.join("pdf_whole"), encode_chunk(Kind::Pdf, &blob_hash(b"%PDF-1.4"), 8, 0, b"%PDF-1.4"))?;
    Ok(())
}
