use crate::error::CmdResult;
use crate::state::AppState;
use patchdesk_core::mail::campaign::{
    self, CampaignDetail, CampaignSummary, Delivery, FlagSpec, NewCampaign, Preview, ReminderSpec,
};
use patchdesk_core::mail::outbox::{self, OutboxStatus};
use patchdesk_core::mail::settings::{self, MailSettings, MailSettingsView};
use patchdesk_core::mail::template::{self, Kind, Rendered, Template, TemplateSource};
use patchdesk_core::mail::{transport, Mailer};
use tauri::ipc::Channel;
use tauri::State;

#[tauri::command]
pub async fn mail_template_list(state: State<'_, AppState>) -> CmdResult<Vec<Template>> {
    Ok(template::list(&state.pool).await?)
}

#[tauri::command]
pub async fn mail_template_save(
    state: State<'_, AppState>,
    id: i64,
    source: TemplateSource,
) -> CmdResult<Template> {
    Ok(template::save(&state.pool, &*state.clock, &state.actor().1, id, &source).await?)
}

#[tauri::command]
pub async fn mail_template_reset(state: State<'_, AppState>, id: i64) -> CmdResult<Template> {
    Ok(template::reset(&state.pool, &*state.clock, &state.actor().1, id).await?)
}

/// The template as it is being edited, rendered with sample data.
#[tauri::command]
pub fn mail_template_preview(source: TemplateSource, kind: Option<Kind>) -> CmdResult<Rendered> {
    Ok(template::preview(&source, kind)?)
}

#[tauri::command]
pub async fn campaign_list(
    state: State<'_, AppState>,
    release: Option<i64>,
) -> CmdResult<Vec<CampaignSummary>> {
    Ok(campaign::list(&state.pool, release).await?)
}

#[tauri::command]
pub async fn campaign_get(state: State<'_, AppState>, id: i64) -> CmdResult<CampaignDetail> {
    Ok(campaign::get(&state.pool, id).await?)
}

/// The flag and reminder the editor proposes for a kind of campaign.
#[tauri::command]
pub fn campaign_defaults(kind: Kind) -> (Option<FlagSpec>, Option<ReminderSpec>) {
    campaign::defaults(kind)
}

#[tauri::command]
pub async fn campaign_create(state: State<'_, AppState>, input: NewCampaign) -> CmdResult<i64> {
    Ok(campaign::create(&state.pool, &*state.clock, &state.actor().1, &input).await?)
}

#[tauri::command]
pub async fn campaign_deliveries(
    state: State<'_, AppState>,
    id: i64,
    filter: Option<String>,
    search: String,
    limit: i64,
    offset: i64,
) -> CmdResult<Vec<Delivery>> {
    let filter = filter.as_deref();
    Ok(campaign::deliveries(&state.pool, id, filter, &search, limit, offset).await?)
}

/// Recipients for the preview picker: (e-mail, name, site).
#[tauri::command]
pub async fn campaign_recipients(
    state: State<'_, AppState>,
    id: i64,
    search: String,
) -> CmdResult<Vec<(String, String, String)>> {
    Ok(campaign::recipients(&state.pool, id, &search, 200).await?)
}

#[tauri::command]
pub async fn campaign_preview(
    state: State<'_, AppState>,
    id: i64,
    email: String,
) -> CmdResult<Preview> {
    Ok(campaign::preview(&state.pool, &*state.clock, id, &email).await?)
}

/// Send now (a scheduled campaign does not wait for its time).
#[tauri::command]
pub async fn campaign_start(state: State<'_, AppState>, id: i64) -> CmdResult<()> {
    campaign::start(&state.pool, &*state.clock, &state.actor().1, id).await?;
    state.mail.restart();
    Ok(())
}

#[tauri::command]
pub async fn campaign_pause(state: State<'_, AppState>, id: i64) -> CmdResult<()> {
    Ok(campaign::pause(&state.pool, &*state.clock, &state.actor().1, id).await?)
}

/// Calls the campaign off; returns how many calendar cancellations are queued.
#[tauri::command]
pub async fn campaign_cancel(state: State<'_, AppState>, id: i64) -> CmdResult<u64> {
    let n = campaign::cancel(&state.pool, &*state.clock, &state.actor().1, id).await?;
    state.mail.restart();
    Ok(n)
}

#[tauri::command]
pub async fn campaign_retry(state: State<'_, AppState>, id: i64) -> CmdResult<u64> {
    let n = campaign::retry_failed(&state.pool, &*state.clock, &state.actor().1, id).await?;
    state.mail.restart();
    Ok(n)
}

/// A new campaign with the phase's current times (reminders keep their UID).
#[tauri::command]
pub async fn campaign_resend(state: State<'_, AppState>, id: i64) -> CmdResult<i64> {
    Ok(campaign::resend_updated(&state.pool, &*state.clock, &state.actor().1, id).await?)
}

/// "Send a test to me": the campaign's first message, to this address only.
#[tauri::command]
pub async fn campaign_test(state: State<'_, AppState>, id: i64, to: String) -> CmdResult<String> {
    let message = campaign::test_message(&state.pool, &*state.clock, id, &to).await?;
    let mailer = Mailer::from_settings(&settings::get(&state.pool).await?, &state.data_dir)?;
    Ok(transport::send_now(&mailer, &message).await?)
}

#[tauri::command]
pub async fn outbox_status(state: State<'_, AppState>) -> CmdResult<OutboxStatus> {
    Ok(outbox::status(&state.pool, None).await?)
}

/// Streams the sender's progress to this channel (the latest watcher only).
#[tauri::command]
pub fn outbox_watch(state: State<'_, AppState>, channel: Channel<OutboxStatus>) {
    *state.mail_watcher.lock().unwrap_or_else(|e| e.into_inner()) = Some(channel);
}

#[tauri::command]
pub async fn mail_settings_get(state: State<'_, AppState>) -> CmdResult<MailSettingsView> {
    Ok(settings::view(&state.pool, &state.data_dir).await?)
}

/// Saves the settings (and the password, when given, in the OS credential store).
#[tauri::command]
pub async fn mail_settings_set(
    state: State<'_, AppState>,
    settings: MailSettings,
    password: Option<String>,
) -> CmdResult<MailSettingsView> {
    let actor = state.actor().1;
    settings::save(
        &state.pool,
        &*state.clock,
        &actor,
        &settings,
        password.as_deref(),
    )
    .await?;
    state.mail.restart();
    Ok(settings::view(&state.pool, &state.data_dir).await?)
}

/// Connects with the saved settings (TLS and login included) without sending.
#[tauri::command]
pub async fn mail_check(state: State<'_, AppState>) -> CmdResult<String> {
    let s = settings::get(&state.pool).await?;
    Ok(Mailer::from_settings(&s, &state.data_dir)?.check().await?)
}

#[tauri::command]
pub async fn mail_send_test(state: State<'_, AppState>, to: String) -> CmdResult<String> {
    let s = settings::get(&state.pool).await?;
    let message = transport::test_message(&s, &to, state.clock.now())?;
    Ok(transport::send_now(&Mailer::from_settings(&s, &state.data_dir)?, &message).await?)
}
