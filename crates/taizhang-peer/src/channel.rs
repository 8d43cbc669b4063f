//! The encrypted channel between two phones: a Noise `NNpsk0` handshake (X25519,
//! ChaCha20-Poly1305, SHA-256) over TCP whose pre-shared key is derived from the short pairing
//! code one screen shows and the other types — a device that does not know the code cannot
//! complete the handshake, and nobody on the network reads or changes what passes. Who is at
//! the other end is then proven inside the channel: each side signs the handshake hash with its
//! enrolled key and shows its server-signed certificate ([`crate::wire::Hello`]).
//!
//! Messages are postcard, cut into Noise frames (`u16` length + ciphertext); one message is at
//! most [`MAX_MESSAGE`] bytes.

use serde::de::DeserializeOwned;
use serde::Serialize;
use sha2::{Digest, Sha256};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::PeerError;

const NOISE: &str = "Noise_NNpsk0_25519_ChaChaPoly_SHA256";
const FRAME: usize = 65535;
const TAG: usize = 16;
/// The most one message may hold (as the server's sync body cap).
pub const MAX_MESSAGE: usize = taizhang_sync::MAX_DECODED_BYTES;

/// The pre-shared key of a pairing code (case, spaces and dashes do not matter).
pub fn pairing_key(code: &str) -> [u8; 32] {
    let normal: String = code.chars().filter(|c| c.is_ascii_alphanumeric()).map(|c| c.to_ascii_uppercase()).collect();
    let mut h = Sha256::new();
    h.update(b"taizhang-pair-v1\0");
    h.update(normal.as_bytes());
    h.finalize().into()
}

fn ch(e: impl std::fmt::Display) -> PeerError {
    PeerError::Channel(e.to_string())
}

/// An established channel.
#[derive(Debug)]
pub struct Channel {
    stream: TcpStream,
    noise: snow::TransportState,
    handshake_hash: Vec<u8>,
    /// Bytes written and read on the socket, for the report.
    pub bytes_out: u64,
    pub bytes_in: u64,
}

/// One write per frame (length and body together): two small writes would wait on Nagle's
/// algorithm and the peer's delayed ACK, 40 ms a message (the peer bench measured 300 ms an
/// exchange before).
async fn write_frame(stream: &mut TcpStream, frame: &[u8]) -> Result<(), PeerError> {
    let len = u16::try_from(frame.len()).map_err(ch)?;
    let mut out = Vec::with_capacity(2 + frame.len());
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(frame);
    stream.write_all(&out).await.map_err(ch)
}

async fn read_frame(stream: &mut TcpStream) -> Result<Vec<u8>, PeerError> {
    let mut len = [0u8; 2];
    stream.read_exact(&mut len).await.map_err(ch)?;
    let mut buf = vec![0u8; usize::from(u16::from_be_bytes(len))];
    stream.read_exact(&mut buf).await.map_err(ch)?;
    Ok(buf)
}

impl Channel {
    /// The joining side: starts the handshake with the pairing `code`.
    pub async fn connect(mut stream: TcpStream, code: &str) -> Result<Self, PeerError> {
        // Small request/answer messages: send each at once.
        stream.set_nodelay(true).map_err(ch)?;
        let psk = pairing_key(code);
        let mut hs =
            snow::Builder::new(NOISE.parse().map_err(ch)?).psk(0, &psk).map_err(ch)?.build_initiator().map_err(ch)?;
        let mut buf = vec![0u8; FRAME];
        let n = hs.write_message(&[], &mut buf).map_err(ch)?;
        write_frame(&mut stream, &buf[..n]).await?;
        let reply = read_frame(&mut stream).await?;
        hs.read_message(&reply, &mut buf).map_err(|_| {
            PeerError::Channel("the other device did not accept the pairing code: check the code on its screen".into())
        })?;
        let handshake_hash = hs.get_handshake_hash().to_vec();
        Ok(Self { stream, noise: hs.into_transport_mode().map_err(ch)?, handshake_hash, bytes_out: 0, bytes_in: 0 })
    }

    /// The offering side: answers a handshake made with the pairing `code`.
    pub async fn accept(mut stream: TcpStream, code: &str) -> Result<Self, PeerError> {
        stream.set_nodelay(true).map_err(ch)?;
        let psk = pairing_key(code);
        let mut hs =
            snow::Builder::new(NOISE.parse().map_err(ch)?).psk(0, &psk).map_err(ch)?.build_responder().map_err(ch)?;
        let mut buf = vec![0u8; FRAME];
        let first = read_frame(&mut stream).await?;
        hs.read_message(&first, &mut buf)
            .map_err(|_| PeerError::Channel("a device tried to join with a wrong pairing code".into()))?;
        let n = hs.write_message(&[], &mut buf).map_err(ch)?;
        write_frame(&mut stream, &buf[..n]).await?;
        let handshake_hash = hs.get_handshake_hash().to_vec();
        Ok(Self { stream, noise: hs.into_transport_mode().map_err(ch)?, handshake_hash, bytes_out: 0, bytes_in: 0 })
    }

    /// The handshake hash both sides share (signed by each side's device key).
    pub fn handshake_hash(&self) -> &[u8] {
        &self.handshake_hash
    }

    async fn send_plain(&mut self, plain: &[u8]) -> Result<(), PeerError> {
        let mut buf = vec![0u8; FRAME];
        let n = self.noise.write_message(plain, &mut buf).map_err(ch)?;
        self.bytes_out += n as u64 + 2;
        write_frame(&mut self.stream, &buf[..n]).await
    }

    async fn recv_plain(&mut self) -> Result<Vec<u8>, PeerError> {
        let frame = read_frame(&mut self.stream).await?;
        self.bytes_in += frame.len() as u64 + 2;
        let mut buf = vec![0u8; FRAME];
        let n = self.noise.read_message(&frame, &mut buf).map_err(|_| {
            PeerError::Channel("a message was altered on the way (decryption failed); try again".into())
        })?;
        buf.truncate(n);
        Ok(buf)
    }

    /// Sends one message.
    pub async fn send<T: Serialize>(&mut self, msg: &T) -> Result<(), PeerError> {
        let bytes = postcard::to_allocvec(msg).map_err(|e| PeerError::Malformed(e.to_string()))?;
        if bytes.len() > MAX_MESSAGE {
            return Err(PeerError::TooLarge { got: bytes.len(), limit: MAX_MESSAGE });
        }
        let len = u32::try_from(bytes.len()).map_err(ch)?;
        self.send_plain(&len.to_be_bytes()).await?;
        for piece in bytes.chunks(FRAME - TAG) {
            self.send_plain(piece).await?;
        }
        self.stream.flush().await.map_err(ch)
    }

    /// Receives one message, refusing more than [`MAX_MESSAGE`] bytes.
    pub async fn recv<T: DeserializeOwned>(&mut self) -> Result<T, PeerError> {
        let head = self.recv_plain().await?;
        let len: [u8; 4] = head.as_slice().try_into().map_err(|_| PeerError::Malformed("message header".into()))?;
        let len = u32::from_be_bytes(len) as usize;
        if len > MAX_MESSAGE {
            return Err(PeerError::TooLarge { got: len, limit: MAX_MESSAGE });
        }
        let mut bytes = Vec::with_capacity(len);
        while bytes.len() < len {
            let piece = self.recv_plain().await?;
            if piece.is_empty() || bytes.len() + piece.len() > len {
                return Err(PeerError::Malformed("message longer than announced".into()));
            }
            bytes.extend(piece);
        }
        decode_message(&bytes)
    }
}

/// Decodes one received message's plaintext (what [`Channel::recv`] does after decryption):
/// exactly one `T`, no trailing bytes. The fuzz targets drive this.
pub fn decode_message<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, PeerError> {
    if bytes.len() > MAX_MESSAGE {
        return Err(PeerError::TooLarge { got: bytes.len(), limit: MAX_MESSAGE });
    }
    let (msg, rest) = postcard::take_from_bytes(bytes).map_err(|e| PeerError::Malformed(e.to_string()))?;
    if !rest.is_empty() {
        return Err(PeerError::Malformed(format!("{} trailing bytes", rest.len())));
    }
    Ok(msg)
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::net::TcpListener;

    #[tokio::test]
    async fn a_matching_code_opens_a_channel_that_carries_big_messages() {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let server = tokio::spawn(async move {
            let (s, _) = listener.accept().await.unwrap();
            let mut c = Channel::accept(s, "4821-93").await.unwrap();
            let got: Vec<u8> = c.recv().await.unwrap();
            c.send(&got.len()).await.unwrap();
            c.handshake_hash().to_vec()
        });
        let mut c = Channel::connect(TcpStream::connect(addr).await.unwrap(), "482193").await.unwrap();
        let big = vec![7u8; 200_000];
        c.send(&big).await.unwrap();
        let n: usize = c.recv().await.unwrap();
        assert_eq!(n, 200_000);
        assert_eq!(server.await.unwrap(), c.handshake_hash(), "both sides share the hash they sign");
    }

    #[tokio::test]
    async fn a_wrong_code_fails_the_handshake() {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let server = tokio::spawn(async move {
            let (s, _) = listener.accept().await.unwrap();
            Channel::accept(s, "111111").await.map(|_| ())
        });
        let joined = Channel::connect(TcpStream::connect(addr).await.unwrap(), "222222").await;
        assert!(server.await.unwrap().is_err(), "the offering side refuses a wrong code");
        assert!(joined.is_err());
    }
}
