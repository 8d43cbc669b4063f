//! Accounts, enrollment codes, devices and the server key in PostgreSQL (schema 2), with the
//! semantics of the SQLite backend — but for several server instances on one database: the
//! enrollment code's row is locked while it is redeemed, and the server key is inserted with
//! `ON CONFLICT DO NOTHING` before it is read, so every instance ends up with the same one.

use async_trait::async_trait;
use taizhang_auth::{Place, Role};
use taizhang_server_db::{actors_from_hex, Account, AccountStore, CountyInput, DbError, Device, PlaceRow, Redeemed};
use tokio_postgres::error::SqlState;
use tokio_postgres::Row;
use uuid::Uuid;

use crate::{backend, PgStore};

const ACCOUNT_COLS: &str = "id, name, role, village, township, county, created_at";
const DEVICE_COLS: &str = "id, account, name, public_key, actor, enrolled_at, revoked_at";
/// [`DEVICE_COLS`] and the device's further actors (schema 5), as hex separated by commas.
const DEVICE_SELECT: &str = "id, account, name, public_key, actor, enrolled_at, revoked_at,
    (SELECT string_agg(encode(a.actor, 'hex'), ',') FROM device_actors a WHERE a.device = devices.id),
    wipe_ordered_at";

fn account_row(r: &Row) -> Result<Account, DbError> {
    let role: String = r.try_get(2).map_err(backend)?;
    Ok(Account {
        id: r.try_get(0).map_err(backend)?,
        name: r.try_get(1).map_err(backend)?,
        role: role.parse::<Role>().map_err(|e| backend(format!("a stored account has an unknown role: {e}")))?,
        village: r.try_get(3).map_err(backend)?,
        township: r.try_get(4).map_err(backend)?,
        county: r.try_get(5).map_err(backend)?,
        created_at: r.try_get(6).map_err(backend)?,
    })
}

fn device_row(r: &Row) -> Result<Device, DbError> {
    Ok(Device {
        id: r.try_get(0).map_err(backend)?,
        account: r.try_get(1).map_err(backend)?,
        name: r.try_get(2).map_err(backend)?,
        public_key: r.try_get(3).map_err(backend)?,
        actor: r.try_get(4).map_err(backend)?,
        enrolled_at: r.try_get(5).map_err(backend)?,
        revoked_at: r.try_get(6).map_err(backend)?,
        more_actors: actors_from_hex(r.try_get::<_, Option<String>>(7).map_err(backend)?.as_deref()),
        wipe_ordered_at: r.try_get(8).map_err(backend)?,
    })
}

fn is(e: &tokio_postgres::Error, state: &SqlState) -> bool {
    e.code() == Some(state)
}

#[async_trait]
impl AccountStore for PgStore {
    async fn create_county(&self, county: Uuid, name: &str, now: i64) -> Result<(), DbError> {
        let client = self.client().await?;
        client
            .execute(
                "INSERT INTO counties (id, name, created_at) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING",
                &[&county, &name, &now],
            )
            .await
            .map_err(backend)?;
        Ok(())
    }

    async fn create_township(&self, township: Uuid, county: Uuid, name: &str, now: i64) -> Result<(), DbError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await.map_err(backend)?;
        // The county is checked first, as on SQLite: an unknown county is an error even when
        // the township exists already (and the insert below would do nothing).
        if tx.query_opt("SELECT 1 FROM counties WHERE id = $1", &[&county]).await.map_err(backend)?.is_none() {
            return Err(DbError::NotFound(format!("county {county}")));
        }
        tx.execute(
            "INSERT INTO townships (id, county, name, created_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (id) DO NOTHING",
            &[&township, &county, &name, &now],
        )
        .await
        .map_err(backend)?;
        tx.commit().await.map_err(backend)
    }

    async fn set_village_township(&self, village: Uuid, township: Uuid) -> Result<(), DbError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await.map_err(backend)?;
        if tx.query_opt("SELECT 1 FROM townships WHERE id = $1", &[&township]).await.map_err(backend)?.is_none() {
            return Err(DbError::NotFound(format!("township {township}")));
        }
        let n = tx
            .execute("UPDATE villages SET township = $1 WHERE village = $2", &[&township, &village])
            .await
            .map_err(backend)?;
        if n == 0 {
            return Err(DbError::NotFound(format!("village {village}")));
        }
        tx.commit().await.map_err(backend)
    }

    async fn village_place(&self, village: Uuid) -> Result<Option<Place>, DbError> {
        let client = self.client().await?;
        let stmt = client
            .prepare_cached(
                "SELECT v.township, t.county FROM villages v LEFT JOIN townships t ON t.id = v.township
                 WHERE v.village = $1",
            )
            .await
            .map_err(backend)?;
        match client.query_opt(&stmt, &[&village]).await.map_err(backend)? {
            None => Ok(None),
            Some(r) => Ok(Some(Place {
                village,
                township: r.try_get(0).map_err(backend)?,
                county: r.try_get(1).map_err(backend)?,
            })),
        }
    }

    async fn places(&self) -> Result<Vec<PlaceRow>, DbError> {
        let client = self.client().await?;
        // One statement, one snapshot. Counties, then townships, then villages, each by name in
        // byte order as SQLite sorts whatever the database's collation; ties (which SQLite
        // leaves unspecified) by id.
        let rows = client
            .query(
                "SELECT k, id, name, parent FROM (
                     SELECT 0 AS k, id, name, NULL::uuid AS parent FROM counties
                     UNION ALL SELECT 1, id, name, county FROM townships
                     UNION ALL SELECT 2, village, name, township FROM villages
                 ) p
                 ORDER BY k, name COLLATE \"C\", id",
                &[],
            )
            .await
            .map_err(backend)?;
        rows.iter()
            .map(|r| {
                let kind = match r.try_get::<_, i32>(0).map_err(backend)? {
                    0 => "county",
                    1 => "township",
                    _ => "village",
                };
                Ok(PlaceRow {
                    kind,
                    id: r.try_get(1).map_err(backend)?,
                    name: r.try_get(2).map_err(backend)?,
                    parent: r.try_get(3).map_err(backend)?,
                })
            })
            .collect()
    }

    async fn create_account(&self, a: &Account) -> Result<(), DbError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await.map_err(backend)?;
        let inserted = tx
            .execute(
                &format!(
                    "INSERT INTO accounts ({ACCOUNT_COLS}) VALUES ($1, $2, $3, $4, $5, $6, $7)
                     ON CONFLICT (id) DO NOTHING"
                ),
                &[&a.id, &a.name, &a.role.code(), &a.village, &a.township, &a.county, &a.created_at],
            )
            .await;
        match inserted {
            Ok(0) => return Err(DbError::Exists(format!("account {}", a.id))),
            Ok(_) => {}
            Err(e) if is(&e, &SqlState::FOREIGN_KEY_VIOLATION) => {
                return Err(DbError::NotFound(format!("the township or county of account {}", a.id)))
            }
            Err(e) => return Err(backend(e)),
        }
        // `accounts` is a reference table and `villages` a distributed one, so there is no
        // foreign key between them (see migration 0002): the village is checked here.
        if let Some(village) = a.village {
            if tx.query_opt("SELECT 1 FROM villages WHERE village = $1", &[&village]).await.map_err(backend)?.is_none()
            {
                return Err(DbError::NotFound(format!("village {village}")));
            }
        }
        tx.commit().await.map_err(backend)
    }

    async fn account(&self, account: Uuid) -> Result<Option<Account>, DbError> {
        let client = self.client().await?;
        let stmt = client
            .prepare_cached(&format!("SELECT {ACCOUNT_COLS} FROM accounts WHERE id = $1"))
            .await
            .map_err(backend)?;
        client.query_opt(&stmt, &[&account]).await.map_err(backend)?.as_ref().map(account_row).transpose()
    }

    async fn accounts(&self) -> Result<Vec<Account>, DbError> {
        let client = self.client().await?;
        let rows = client
            .query(
                &format!("SELECT {ACCOUNT_COLS} FROM accounts ORDER BY role COLLATE \"C\", name COLLATE \"C\", id"),
                &[],
            )
            .await
            .map_err(backend)?;
        rows.iter().map(account_row).collect()
    }

    async fn add_enrollment_code(
        &self,
        code_hash: [u8; 32],
        account: Uuid,
        now: i64,
        expires_at: i64,
    ) -> Result<(), DbError> {
        let client = self.client().await?;
        // The foreign key is the check that the account exists (accounts are never deleted).
        match client
            .execute(
                "INSERT INTO enrollment_codes (code_hash, account, created_at, expires_at) VALUES ($1, $2, $3, $4)",
                &[&code_hash.as_slice(), &account, &now, &expires_at],
            )
            .await
        {
            Ok(_) => Ok(()),
            Err(e) if is(&e, &SqlState::FOREIGN_KEY_VIOLATION) => Err(DbError::NotFound(format!("account {account}"))),
            Err(e) => Err(backend(e)),
        }
    }

    async fn redeem_enrollment_code(&self, code_hash: [u8; 32], d: &Device, now: i64) -> Result<Redeemed, DbError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await.map_err(backend)?;
        // The code's row stays locked to commit: a second instance redeeming the same code
        // waits here, then reads the row again (READ COMMITTED does) and finds it used.
        let code = tx
            .query_opt(
                "SELECT account, expires_at, used_at FROM enrollment_codes WHERE code_hash = $1 FOR UPDATE",
                &[&code_hash.as_slice()],
            )
            .await
            .map_err(backend)?;
        let Some(code) = code else { return Ok(Redeemed::UnknownCode) };
        let account: Uuid = code.try_get(0).map_err(backend)?;
        let expires_at: i64 = code.try_get(1).map_err(backend)?;
        let used_at: Option<i64> = code.try_get(2).map_err(backend)?;
        if used_at.is_some() {
            return Ok(Redeemed::AlreadyUsed);
        }
        if now >= expires_at {
            return Ok(Redeemed::Expired);
        }
        let taken = tx
            .query_opt(
                "SELECT 1 FROM devices WHERE public_key = $1 OR actor = $2 OR id = $3
                 UNION ALL SELECT 1 FROM device_actors WHERE actor = $2",
                &[&d.public_key, &d.actor, &d.id],
            )
            .await
            .map_err(backend)?
            .is_some();
        if taken {
            return Ok(Redeemed::Taken);
        }
        // Another code may bind the same key, actor or id at this very moment: the unique
        // keys decide, and the loser is told the key is taken (its code stays unused).
        match tx
            .execute(
                &format!("INSERT INTO devices ({DEVICE_COLS}) VALUES ($1, $2, $3, $4, $5, $6, NULL)"),
                &[&d.id, &account, &d.name, &d.public_key, &d.actor, &d.enrolled_at],
            )
            .await
        {
            Ok(_) => {}
            Err(e) if is(&e, &SqlState::UNIQUE_VIOLATION) => return Ok(Redeemed::Taken),
            Err(e) => return Err(backend(e)),
        }
        let used = tx
            .execute(
                "UPDATE enrollment_codes SET used_at = $1, device = $2 WHERE code_hash = $3",
                &[&now, &d.id, &code_hash.as_slice()],
            )
            .await
            .map_err(backend)?;
        if used != 1 {
            return Err(backend(format!("using up the enrollment code changed {used} rows; rolled back")));
        }
        tx.commit().await.map_err(backend)?;
        Ok(Redeemed::Enrolled)
    }

    async fn code_account(&self, code_hash: [u8; 32]) -> Result<Option<Uuid>, DbError> {
        let client = self.client().await?;
        let row = client
            .query_opt("SELECT account FROM enrollment_codes WHERE code_hash = $1", &[&code_hash.as_slice()])
            .await
            .map_err(backend)?;
        row.map(|r| r.try_get(0).map_err(backend)).transpose()
    }

    async fn device(&self, device: Uuid) -> Result<Option<Device>, DbError> {
        let client = self.client().await?;
        let stmt = client
            .prepare_cached(&format!("SELECT {DEVICE_SELECT} FROM devices WHERE id = $1"))
            .await
            .map_err(backend)?;
        client.query_opt(&stmt, &[&device]).await.map_err(backend)?.as_ref().map(device_row).transpose()
    }

    async fn devices(&self) -> Result<Vec<Device>, DbError> {
        let client = self.client().await?;
        let rows = client
            .query(&format!("SELECT {DEVICE_SELECT} FROM devices ORDER BY enrolled_at, id"), &[])
            .await
            .map_err(backend)?;
        rows.iter().map(device_row).collect()
    }

    async fn village_team(&self, village: Uuid) -> Result<(Vec<Account>, Vec<Device>), DbError> {
        let client = self.client().await?;
        let accounts = client
            .query(
                &format!(
                    "SELECT {ACCOUNT_COLS} FROM accounts WHERE village = $1 \
                     ORDER BY role COLLATE \"C\", name COLLATE \"C\", id"
                ),
                &[&village],
            )
            .await
            .map_err(backend)?;
        let devices = client
            .query(
                &format!(
                    "SELECT {DEVICE_SELECT} FROM devices WHERE account IN \
                     (SELECT id FROM accounts WHERE village = $1) ORDER BY enrolled_at, id"
                ),
                &[&village],
            )
            .await
            .map_err(backend)?;
        Ok((
            accounts.iter().map(account_row).collect::<Result<_, _>>()?,
            devices.iter().map(device_row).collect::<Result<_, _>>()?,
        ))
    }

    async fn add_device_actor(&self, device: Uuid, actor: &[u8], now: i64) -> Result<bool, DbError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await.map_err(backend)?;
        // The device's row, locked: a revocation meanwhile waits for this.
        let active = tx
            .query_opt("SELECT 1 FROM devices WHERE id = $1 AND revoked_at IS NULL FOR UPDATE", &[&device])
            .await
            .map_err(backend)?
            .is_some();
        let taken = tx
            .query_opt(
                "SELECT 1 FROM devices WHERE actor = $1 UNION ALL SELECT 1 FROM device_actors WHERE actor = $1",
                &[&actor],
            )
            .await
            .map_err(backend)?
            .is_some();
        if !active || taken {
            return Ok(false);
        }
        match tx
            .execute(
                "INSERT INTO device_actors (actor, device, added_at) VALUES ($1, $2, $3)",
                &[&actor, &device, &now],
            )
            .await
        {
            Ok(_) => {}
            // Bound by a concurrent call a moment ago.
            Err(e) if is(&e, &SqlState::UNIQUE_VIOLATION) => return Ok(false),
            Err(e) => return Err(backend(e)),
        }
        tx.commit().await.map_err(backend)?;
        Ok(true)
    }

    async fn use_signed_stamp(&self, device: Uuid, stamp: i64) -> Result<bool, DbError> {
        let client = self.client().await?;
        let n = client
            .execute(
                "UPDATE devices SET last_signed_at = $1
                 WHERE id = $2 AND (last_signed_at IS NULL OR last_signed_at < $1)",
                &[&stamp, &device],
            )
            .await
            .map_err(backend)?;
        Ok(n > 0)
    }

    async fn revoke_device(&self, device: Uuid, now: i64) -> Result<bool, DbError> {
        let client = self.client().await?;
        let n = client
            .execute("UPDATE devices SET revoked_at = COALESCE(revoked_at, $1) WHERE id = $2", &[&now, &device])
            .await
            .map_err(backend)?;
        Ok(n > 0)
    }

    async fn order_wipe(&self, device: Uuid, now: i64) -> Result<bool, DbError> {
        let client = self.client().await?;
        let n = client
            .execute(
                "UPDATE devices SET revoked_at = COALESCE(revoked_at, $1),
                 wipe_ordered_at = COALESCE(wipe_ordered_at, $1) WHERE id = $2",
                &[&now, &device],
            )
            .await
            .map_err(backend)?;
        Ok(n > 0)
    }

    async fn set_password_hash(&self, account: Uuid, hash: &str, now: i64) -> Result<(), DbError> {
        let client = self.client().await?;
        let n = client
            .execute(
                "INSERT INTO web_logins (account, password_hash, updated_at)
                 SELECT id, $2, $3 FROM accounts WHERE id = $1
                 ON CONFLICT (account) DO UPDATE SET password_hash = excluded.password_hash, updated_at = excluded.updated_at",
                &[&account, &hash, &now],
            )
            .await
            .map_err(backend)?;
        if n == 0 {
            return Err(DbError::NotFound(format!("account {account}")));
        }
        Ok(())
    }

    async fn password_hash(&self, account: Uuid) -> Result<Option<String>, DbError> {
        let client = self.client().await?;
        let row = client
            .query_opt("SELECT password_hash FROM web_logins WHERE account = $1", &[&account])
            .await
            .map_err(backend)?;
        Ok(row.map(|r| r.get(0)))
    }

    async fn sessions_from(&self, account: Uuid) -> Result<Option<i64>, DbError> {
        let client = self.client().await?;
        let row = client
            .query_opt("SELECT updated_at FROM web_logins WHERE account = $1", &[&account])
            .await
            .map_err(backend)?;
        Ok(row.map(|r| r.get(0)))
    }

    async fn end_sessions(&self, account: Uuid, at: i64) -> Result<(), DbError> {
        let client = self.client().await?;
        client
            .execute("UPDATE web_logins SET updated_at = $2 WHERE account = $1 AND updated_at < $2", &[&account, &at])
            .await
            .map_err(backend)?;
        Ok(())
    }

    async fn put_county_input(&self, input: &CountyInput) -> Result<(), DbError> {
        let client = self.client().await?;
        let n = client
            .execute(
                "INSERT INTO county_inputs (village, member, period, data, updated_by, updated_at)
                 SELECT village, $2, $3, $4, $5, $6 FROM villages WHERE village = $1
                 ON CONFLICT (village, member, period) DO UPDATE SET
                   data = excluded.data, updated_by = excluded.updated_by, updated_at = excluded.updated_at",
                &[&input.village, &input.member, &input.period, &input.data, &input.updated_by, &input.updated_at],
            )
            .await
            .map_err(backend)?;
        if n == 0 {
            return Err(DbError::NotFound(format!("village {}", input.village)));
        }
        Ok(())
    }

    async fn county_inputs_of(&self, villages: &[Uuid]) -> Result<Vec<CountyInput>, DbError> {
        let client = self.client().await?;
        let rows = client
            .query(
                "SELECT village, member, period, data, updated_by, updated_at FROM county_inputs
                 WHERE village = ANY($1) ORDER BY village, member, period COLLATE \"C\"",
                &[&villages],
            )
            .await
            .map_err(backend)?;
        Ok(rows
            .iter()
            .map(|r| CountyInput {
                village: r.get(0),
                member: r.get(1),
                period: r.get(2),
                data: r.get(3),
                updated_by: r.get(4),
                updated_at: r.get(5),
            })
            .collect())
    }

    async fn server_secret(&self, candidate: [u8; 32]) -> Result<[u8; 32], DbError> {
        let client = self.client().await?;
        // Two statements, each its own snapshot. When another instance's insert is in flight,
        // ON CONFLICT waits for it to commit and then does nothing; the SELECT that follows
        // sees the committed key. (One statement would read with the snapshot taken before
        // the wait and could find no row at all.)
        client
            .execute(
                "INSERT INTO server_keys (id, secret, created_at)
                 VALUES (1, $1, (extract(epoch FROM clock_timestamp()) * 1000)::bigint)
                 ON CONFLICT (id) DO NOTHING",
                &[&candidate.as_slice()],
            )
            .await
            .map_err(backend)?;
        let row = client.query_one("SELECT secret FROM server_keys WHERE id = 1", &[]).await.map_err(backend)?;
        let secret: &[u8] = row.try_get(0).map_err(backend)?;
        <[u8; 32]>::try_from(secret).map_err(|_| backend("the stored server key is not 32 bytes".to_string()))
    }

    async fn previous_server_secret(&self) -> Result<Option<([u8; 32], i64)>, DbError> {
        let client = self.client().await?;
        let row = client
            .query_opt("SELECT secret, retired_at FROM server_key_previous WHERE id = 1", &[])
            .await
            .map_err(backend)?;
        let Some(row) = row else { return Ok(None) };
        let secret: &[u8] = row.try_get(0).map_err(backend)?;
        let at: i64 = row.try_get(1).map_err(backend)?;
        let key = <[u8; 32]>::try_from(secret)
            .map_err(|_| backend("the stored previous server key is not 32 bytes".to_string()))?;
        Ok(Some((key, at)))
    }

    async fn rotate_server_secret(&self, next: [u8; 32], now: i64) -> Result<(), DbError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await.map_err(backend)?;
        tx.execute(
            "INSERT INTO server_key_previous (id, secret, retired_at)
             SELECT 1, secret, $1 FROM server_keys WHERE id = 1
             ON CONFLICT (id) DO UPDATE SET secret = excluded.secret, retired_at = excluded.retired_at",
            &[&now],
        )
        .await
        .map_err(backend)?;
        tx.execute(
            "INSERT INTO server_keys (id, secret, created_at) VALUES (1, $1, $2)
             ON CONFLICT (id) DO UPDATE SET secret = excluded.secret, created_at = excluded.created_at",
            &[&next.as_slice(), &now],
        )
        .await
        .map_err(backend)?;
        tx.commit().await.map_err(backend)
    }
}
