//! What every command can reach: the database pool, where the data lives, the clock.

use patchdesk_core::approvals::{self, Person};
use patchdesk_core::mail::outbox::{self, OutboxStatus, ServiceHandle};
use patchdesk_core::ports::{CancelToken, Clock, Progress, ProgressEvent, SystemClock};
use patchdesk_core::SqlitePool;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tauri::ipc::Channel;

pub struct AppState {
    pub pool: SqlitePool,
    pub data_dir: PathBuf,
    pub db_path: PathBuf,
    pub clock: Arc<dyn Clock>,
    /// The cancel flag of the most recent long task (import, demo load); each task gets
    /// its own, so starting one never clears another's pending cancel.
    pub cancel: Mutex<CancelToken>,
    /// Who is using the app: every action is attributed to this person.
    pub operator: Mutex<Person>,
    /// The OS account the app runs under, named when the operator is switched.
    pub os_user: String,
    /// The background mail sender (started by `start_mail_sender`).
    pub mail: Arc<ServiceHandle>,
    /// Where the sender's progress goes: the page that asked last.
    pub mail_watcher: Arc<Mutex<Option<Channel<OutboxStatus>>>>,
}

impl AppState {
    pub async fn open(data_dir: PathBuf) -> patchdesk_core::Result<Self> {
        let db_path = patchdesk_core::paths::db_path(&data_dir);
        let pool = patchdesk_core::db::open(&db_path).await?;
        let clock: Arc<dyn Clock> = Arc::new(SystemClock);
        let os_user = std::env::var("USER")
            .or_else(|_| std::env::var("USERNAME"))
            .unwrap_or_default();
        let operator = approvals::operator_for_os_user(&pool, &*clock, &os_user).await?;
        Ok(AppState {
            pool,
            data_dir,
            db_path,
            clock,
            cancel: Mutex::new(CancelToken::default()),
            operator: Mutex::new(operator),
            os_user,
            mail: Arc::new(ServiceHandle::default()),
            mail_watcher: Arc::new(Mutex::new(None)),
        })
    }

    /// Sends due mail in the background for as long as the app runs; scheduled
    /// campaigns go out at their time, and sending resumes after a restart.
    pub fn start_mail_sender(&self) {
        let watcher = self.mail_watcher.clone();
        let notify = Arc::new(move |s: &OutboxStatus| {
            let mut w = watcher.lock().unwrap_or_else(|e| e.into_inner());
            if w.as_ref().is_some_and(|c| c.send(s.clone()).is_err()) {
                *w = None;
            }
        });
        tauri::async_runtime::spawn(outbox::serve(
            self.pool.clone(),
            self.clock.clone(),
            self.data_dir.clone(),
            self.mail.clone(),
            notify,
        ));
    }

    /// The operator's id and name, for attributing an action.
    pub fn actor(&self) -> (i64, String) {
        let p = self.operator.lock().unwrap_or_else(|e| e.into_inner());
        (p.id, p.name.clone())
    }

    /// A progress sink for a new long task, with a fresh cancel flag.
    pub fn progress(&self, channel: Channel<ProgressEvent>) -> ChannelProgress {
        let token = CancelToken::default();
        if let Ok(mut current) = self.cancel.lock() {
            *current = token.clone();
        }
        ChannelProgress {
            channel,
            cancel: token,
            inner: Mutex::new((None, Instant::now() - THROTTLE)),
        }
    }
}

/// At most one progress message per this interval reaches the webview.
const THROTTLE: Duration = Duration::from_millis(50);

pub struct ChannelProgress {
    channel: Channel<ProgressEvent>,
    cancel: CancelToken,
    /// The current stage's total and when the last message went out.
    inner: Mutex<(Option<u64>, Instant)>,
}

impl Progress for ChannelProgress {
    fn stage(&self, name: &str, total: Option<u64>) {
        if let Ok(mut g) = self.inner.lock() {
            *g = (total, Instant::now());
        }
        let _ = self.channel.send(ProgressEvent::Stage {
            name: name.to_string(),
            total,
        });
    }

    fn advance(&self, done: u64) {
        let Ok(mut g) = self.inner.lock() else { return };
        let finished = g.0 == Some(done);
        if !finished && g.1.elapsed() < THROTTLE {
            return;
        }
        g.1 = Instant::now();
        let total = g.0;
        drop(g);
        let _ = self.channel.send(ProgressEvent::Advance { done, total });
    }

    fn is_cancelled(&self) -> bool {
        self.cancel.is_cancelled()
    }
}
