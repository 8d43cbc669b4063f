//! The device's boot clock, for the time anchor of issue 17 (`taizhang_sync::ChangeAnchor`):
//! milliseconds since boot that keep counting through sleep and that no user can set, with an
//! id of the boot so that a reading from before a reboot is never compared with one after.
//! Passed into the [`crate::Ledger`] (sans-IO: tests give it a fake).

/// One reading of the boot clock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UptimeReading {
    /// Identifies this boot (readings of different boots are not comparable).
    pub boot: String,
    /// Milliseconds since boot (or since an arbitrary start within this boot).
    pub ms: i64,
}

/// A source of boot-clock readings.
pub trait Uptime: Send + Sync + std::fmt::Debug {
    /// The current reading; `None` if this device has no usable clock of that kind.
    fn now(&self) -> Option<UptimeReading>;
}

/// The operating system's clock: on Linux and Android the kernel's boot time
/// (`/proc/uptime`, which counts suspended time too) and boot id; elsewhere, or if those
/// cannot be read, this process's monotonic clock with an id of this process (an anchor then
/// lasts until the app is restarted).
#[derive(Debug)]
pub struct SystemUptime {
    /// When this process first read the clock (set on first use: `Instant::now` panics in a
    /// browser, where [`Uptime::now`] never reaches it).
    start: std::sync::OnceLock<std::time::Instant>,
    process: String,
}

impl Default for SystemUptime {
    fn default() -> Self {
        Self { start: std::sync::OnceLock::new(), process: format!("process-{:016x}", rand::random::<u64>()) }
    }
}

impl SystemUptime {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    fn kernel() -> Option<UptimeReading> {
        let boot = std::fs::read_to_string("/proc/sys/kernel/random/boot_id").ok()?.trim().to_string();
        let up = std::fs::read_to_string("/proc/uptime").ok()?;
        let secs: f64 = up.split_whitespace().next()?.parse().ok()?;
        (!boot.is_empty() && secs.is_finite() && secs >= 0.0)
            .then(|| UptimeReading { boot, ms: (secs * 1000.0).round() as i64 })
    }

    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    fn kernel() -> Option<UptimeReading> {
        None
    }
}

impl Uptime for SystemUptime {
    fn now(&self) -> Option<UptimeReading> {
        if cfg!(target_arch = "wasm32") {
            return None; // no monotonic clock that survives a page reload
        }
        Self::kernel().or_else(|| {
            let ms = i64::try_from(self.start.get_or_init(std::time::Instant::now).elapsed().as_millis()).ok()?;
            Some(UptimeReading { boot: self.process.clone(), ms })
        })
    }
}

/// The anchor kept in the store after each sync: the server's time in its answer and the
/// boot-clock reading when the answer arrived.
pub(crate) fn anchor_meta(server_time: i64, at: &UptimeReading) -> String {
    format!("{server_time} {} {}", at.ms, at.boot)
}

/// The anchor of a change made now, from the kept anchor and the current reading; `None` if
/// there is no anchor, the device rebooted since, or the clock went backwards.
pub(crate) fn change_anchor(kept: Option<&str>, now: Option<UptimeReading>) -> Option<taizhang_sync::ChangeAnchor> {
    let mut parts = kept?.splitn(3, ' ');
    let server_time: i64 = parts.next()?.parse().ok()?;
    let at_ms: i64 = parts.next()?.parse().ok()?;
    let boot = parts.next()?;
    let now = now?;
    (now.boot == boot && now.ms >= at_ms)
        .then(|| taizhang_sync::ChangeAnchor { server_time, elapsed_ms: now.ms - at_ms })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(boot: &str, ms: i64) -> Option<UptimeReading> {
        Some(UptimeReading { boot: boot.into(), ms })
    }

    #[test]
    fn an_anchor_lasts_for_the_boot_it_was_taken_in() {
        let kept = anchor_meta(1_795_536_000_000, &UptimeReading { boot: "b1".into(), ms: 5_000 });
        assert_eq!(
            change_anchor(Some(&kept), at("b1", 65_000)),
            Some(taizhang_sync::ChangeAnchor { server_time: 1_795_536_000_000, elapsed_ms: 60_000 })
        );
        assert_eq!(change_anchor(Some(&kept), at("b2", 65_000)), None, "rebooted since");
        assert_eq!(change_anchor(Some(&kept), at("b1", 4_000)), None, "went backwards");
        assert_eq!(change_anchor(None, at("b1", 65_000)), None, "never synced");
        assert_eq!(change_anchor(Some(&kept), None), None, "no clock");
    }

    #[test]
    fn the_system_clock_reads_and_moves_forward() {
        let clock = SystemUptime::default();
        let a = clock.now().expect("a reading");
        let b = clock.now().expect("a reading");
        assert_eq!(a.boot, b.boot);
        assert!(b.ms >= a.ms);
    }
}
