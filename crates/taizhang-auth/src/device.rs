//! What a device may still do, by its state (issue 21): active, revoked, or revoked with a
//! wipe order. The one decision the server's device endpoints share; its matrix is tested
//! below.

/// A device's standing on the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeviceState {
    Active,
    /// Revoked by an administrator: it is refused, what it synced is kept.
    Revoked,
    /// Revoked and ordered to erase its store and keys at its next contact.
    WipeOrdered,
}

impl DeviceState {
    pub fn of(revoked_at: Option<i64>, wipe_ordered_at: Option<i64>) -> Self {
        match (revoked_at, wipe_ordered_at) {
            (_, Some(_)) => DeviceState::WipeOrdered,
            (Some(_), None) => DeviceState::Revoked,
            (None, None) => DeviceState::Active,
        }
    }
}

/// What a device asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeviceRequest {
    /// `POST /v1/sync`; `pushes` when it carries changes or a sync message.
    Sync { pushes: bool },
    /// Anything else: a token, peer credentials, a new actor, a pull.
    Other,
}

/// The answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeviceAccess {
    Allow,
    /// Store what it pushes (each record still judged by `may_write` for its account), send
    /// nothing down, and ask it to go on: its unsynced records are saved before it erases.
    PushOnly,
    /// Answer "erase your store and keys" (HTTP 410) and nothing else.
    Wipe,
    /// Refuse (HTTP 403).
    Refuse,
}

/// The decision. `account_exists`: the device's account is still there (a deleted account
/// can write nothing, so a wipe-ordered device of one is told to erase at once).
pub fn device_access(state: DeviceState, request: DeviceRequest, account_exists: bool) -> DeviceAccess {
    match (state, request) {
        (DeviceState::Active, _) if account_exists => DeviceAccess::Allow,
        (DeviceState::Active, _) | (DeviceState::Revoked, _) => DeviceAccess::Refuse,
        (DeviceState::WipeOrdered, DeviceRequest::Sync { pushes: true }) if account_exists => DeviceAccess::PushOnly,
        (DeviceState::WipeOrdered, _) => DeviceAccess::Wipe,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_device_matrix() {
        use DeviceAccess::*;
        use DeviceRequest::*;
        use DeviceState::*;
        let cases = [
            (Active, Sync { pushes: true }, true, Allow),
            (Active, Sync { pushes: false }, true, Allow),
            (Active, Other, true, Allow),
            (Active, Sync { pushes: true }, false, Refuse),
            (Revoked, Sync { pushes: true }, true, Refuse),
            (Revoked, Sync { pushes: false }, true, Refuse),
            (Revoked, Other, true, Refuse),
            (Revoked, Other, false, Refuse),
            // A wipe order: push first (while the account may write), then erase.
            (WipeOrdered, Sync { pushes: true }, true, PushOnly),
            (WipeOrdered, Sync { pushes: false }, true, Wipe),
            (WipeOrdered, Other, true, Wipe),
            (WipeOrdered, Sync { pushes: true }, false, Wipe),
            (WipeOrdered, Other, false, Wipe),
        ];
        for (state, request, account, want) in cases {
            assert_eq!(device_access(state, request, account), want, "{state:?} {request:?} account={account}");
        }
    }

    #[test]
    fn a_wipe_order_outranks_the_revocation_it_comes_with() {
        assert_eq!(DeviceState::of(None, None), DeviceState::Active);
        assert_eq!(DeviceState::of(Some(5), None), DeviceState::Revoked);
        assert_eq!(DeviceState::of(Some(5), Some(7)), DeviceState::WipeOrdered);
        assert_eq!(DeviceState::of(None, Some(7)), DeviceState::WipeOrdered);
    }
}
