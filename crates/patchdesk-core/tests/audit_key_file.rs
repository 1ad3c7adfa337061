//! Without a usable credential store the audit key goes to a key file (user-only, not
//! beside the database), and verify says so. Its own test binary: the default credential
//! store is global, and here it is one that refuses every access.

use keyring_core::api::CredentialStoreApi;
use patchdesk_core::approvals::{self, PersonInput};
use patchdesk_core::audit;
use patchdesk_core::ports::FixedClock;
use std::any::Any;
use std::collections::HashMap;
use std::sync::Arc;

/// A credential store that is there but cannot be used (a locked or absent Secret Service).
#[derive(Debug)]
struct Unavailable;

impl CredentialStoreApi for Unavailable {
    fn vendor(&self) -> String {
        "test: unavailable".into()
    }
    fn id(&self) -> String {
        "unavailable".into()
    }
    fn build(
        &self,
        _service: &str,
        _user: &str,
        _modifiers: Option<&HashMap<&str, &str>>,
    ) -> keyring_core::Result<keyring_core::Entry> {
        Err(keyring_core::Error::NoStorageAccess(
            "no Secret Service in this session".into(),
        ))
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

#[tokio::test]
async fn without_a_credential_store_the_key_is_in_a_key_file_and_verify_says_so() {
    keyring_core::set_default_store(Arc::new(Unavailable));
    let keys = tempfile::tempdir().unwrap();
    // The only test of this binary: nothing else reads the environment meanwhile.
    std::env::set_var(audit::KEY_DIR_ENV, keys.path());
    let data = tempfile::tempdir().unwrap();
    let db = data.path().join("patchdesk.sqlite");
    let pool = patchdesk_core::db::open(&db).await.unwrap();
    // A fixed instant (2026-11-26), as every test clock.
    let clock = FixedClock(chrono::DateTime::from_timestamp(1_795_683_600, 0).unwrap());
    let admin = approvals::operator_for_os_user(&pool, &clock, "admin")
        .await
        .unwrap()
        .id;
    for name in ["Kim", "Lee"] {
        approvals::create_person(
            &pool,
            &clock,
            admin,
            &PersonInput {
                name: name.into(),
                email: String::new(),
                os_user: String::new(),
                roles: vec![],
            },
        )
        .await
        .unwrap();
    }
    let v = audit::verify(&pool, None).await.unwrap();
    assert!(v.ok, "{v:?}");
    assert_eq!(v.key_source, Some(audit::KeySource::KeyFile));
    assert_eq!(v.key_source.unwrap().label(), "key file");
    assert!(v.head_file_checked);

    let files: Vec<_> = std::fs::read_dir(keys.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    assert!(std::fs::read_to_string(&files[0])
        .unwrap()
        .starts_with("v1:"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&files[0]).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    // Nothing key-like beside the database.
    for e in std::fs::read_dir(data.path()).unwrap() {
        let name = e.unwrap().file_name().to_string_lossy().to_string();
        assert!(!name.ends_with(".key"), "{name}");
    }

    // The key file's key protects the chain like the stored one.
    let mut tx = pool.begin().await.unwrap();
    sqlx::query("DROP TRIGGER audit_log_no_update")
        .execute(&mut *tx)
        .await
        .unwrap();
    sqlx::query("UPDATE audit_log SET actor = 'Mallory' WHERE id = 1")
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let v = audit::verify(&pool, None).await.unwrap();
    assert!(!v.ok);
    assert_eq!(v.problem, Some(audit::Problem::Changed));
    assert_eq!(v.first_bad, Some(1));
}
