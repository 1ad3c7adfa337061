//! Mail benchmarks: 10,000 personalised messages with calendar parts rendered (target
//! under 1 s), and 10,000 sent through the outbox to a local maildev with pooled
//! connections (target at least 500 messages/s).
//!
//! `cargo bench -p patchdesk-core --bench mail` (needs maildev: scripts/setup.sh).

#[path = "../tests/common/mod.rs"]
mod common;

use common::mail_fixture::*;
use common::smtp::MailDev;
use patchdesk_core::mail::campaign;
use patchdesk_core::mail::outbox::{self, Until};
use patchdesk_core::mail::{settings, MailSettings, Mailer, SmtpSecurity, SmtpSettings};
use patchdesk_core::ports::{CancelToken, SystemClock};
use std::sync::Arc;
use std::time::Instant;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const RECIPIENTS: usize = 10_000;
const RUNS: usize = 3;

fn median(mut v: Vec<f64>) -> (f64, f64, f64) {
    v.sort_by(|a, b| a.total_cmp(b));
    (v[v.len() / 2], v[0], v[v.len() - 1])
}

fn main() {
    // `cargo test` runs benches with --bench absent; do nothing then.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let t = Instant::now();
        let f = fixture(&people(RECIPIENTS, "user")).await;
        eprintln!("setup: {RECIPIENTS} computers and owners in {:.1} s", t.elapsed().as_secs_f64());

        let t = Instant::now();
        let id = campaign::create(&f.pool, &CLOCK, "bench", &overnight(&f))
            .await
            .unwrap();
        let create = t.elapsed().as_secs_f64();

        let mut render = Vec::new();
        let mut size = 0;
        for _ in 0..RUNS {
            let t = Instant::now();
            let (n, bytes) = campaign::build_all(&f.pool, &CLOCK, id).await.unwrap();
            render.push(t.elapsed().as_secs_f64());
            assert_eq!(n, RECIPIENTS);
            size = bytes;
        }
        let (r, rmin, rmax) = median(render);

        let md = MailDev::start();
        let s = MailSettings {
            smtp: Some(SmtpSettings {
                host: "127.0.0.1".into(),
                port: md.smtp_port,
                security: SmtpSecurity::Plain,
                pool_size: 8,
                ..SmtpSettings::default()
            }),
            ..MailSettings::default()
        };
        settings::set(&f.pool, &CLOCK, "bench", &s).await.unwrap();
        let mut rates = Vec::new();
        for run in 0..RUNS {
            let id = if run == 0 {
                id
            } else {
                campaign::resend_updated(&f.pool, &CLOCK, "bench", id).await.unwrap()
            };
            campaign::start(&f.pool, &CLOCK, "bench", id).await.unwrap();
            let mailer = Arc::new(Mailer::from_settings(&s, f.dir.path()).unwrap());
            let t = Instant::now();
            let done = outbox::run(
                &f.pool,
                &SystemClock,
                mailer,
                Until::Campaign(id),
                &CancelToken::default(),
                &|_| {},
            )
            .await
            .unwrap();
            let secs = t.elapsed().as_secs_f64();
            assert_eq!(done.sent as usize, RECIPIENTS);
            rates.push(RECIPIENTS as f64 / secs);
        }
        let received = md.emails().len();
        assert_eq!(received, RECIPIENTS * RUNS, "maildev got every message once");
        let (m, mmin, mmax) = median(rates);
        println!("mail/create campaign ({RECIPIENTS} outbox rows, one transaction): {create:.2} s");
        println!(
            "mail/render {RECIPIENTS} messages with calendar parts: {r:.3} s (min {rmin:.3}, max {rmax:.3}); {:.1} MB",
            size as f64 / 1e6
        );
        println!(
            "mail/send {RECIPIENTS} to maildev, 8 pooled connections: {m:.0} messages/s (min {mmin:.0}, max {mmax:.0}); maildev received {received}"
        );
    });
}
