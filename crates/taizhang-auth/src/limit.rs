//! Requests per key (a device, a login name) per minute, in process: each server instance
//! counts on its own (with N instances behind a load balancer a device may make up to N times
//! the limit). Sans-IO like the rest of this crate: the caller passes "now".

use std::collections::HashMap;
use std::sync::Mutex;

use uuid::Uuid;

/// A fixed-window counter per key (a device id, or a hashed login name), on the caller's clock.
#[derive(Debug)]
pub struct RateLimiter {
    per_minute: u32,
    windows: Mutex<HashMap<Uuid, (i64, u32)>>,
}

impl RateLimiter {
    /// At most `per_minute` requests per key and minute.
    pub fn new(per_minute: u32) -> Self {
        Self { per_minute, windows: Mutex::new(HashMap::new()) }
    }

    /// Counts one request of `device` (any key) at `now` (UTC ms); `Err(seconds to wait)` over
    /// the limit.
    pub fn check(&self, device: Uuid, now: i64) -> Result<(), u64> {
        let minute = now.div_euclid(60_000);
        let Ok(mut w) = self.windows.lock() else { return Ok(()) };
        if w.len() > 100_000 {
            w.retain(|_, (m, _)| *m == minute);
        }
        let entry = w.entry(device).or_insert((minute, 0));
        if entry.0 != minute {
            *entry = (minute, 0);
        }
        if entry.1 >= self.per_minute {
            let wait_ms = (minute + 1) * 60_000 - now;
            return Err(u64::try_from((wait_ms + 999) / 1000).unwrap_or(1).max(1));
        }
        entry.1 += 1;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_limit_applies_per_device_and_per_minute() {
        let l = RateLimiter::new(2);
        let (a, b) = (Uuid::from_u128(1), Uuid::from_u128(2));
        let t = 1_795_536_000_000; // a whole minute
        assert!(l.check(a, t).is_ok());
        assert!(l.check(a, t + 1).is_ok());
        assert_eq!(l.check(a, t + 15_000), Err(45));
        assert!(l.check(b, t + 15_000).is_ok(), "another device is not affected");
        assert!(l.check(a, t + 60_000).is_ok(), "a new minute");
    }
}
