//! `connkit c1 connectors …`: the 17 operations of ConductorOne's ConnectorService,
//! with the output formats and exit codes of the ISC commands.
//!
//! Objects (a connector, a credential, a rotation's answer) are written like `connectors
//! get`; lists page by page; operations that answer `{}` write nothing on stdout and a
//! line on stderr (unless `-q`). `validate-config` writes its markers and exits 3 when
//! one of them is an error.

pub mod args;
mod as_code;

use std::path::Path;

use connkit_c1::prelude::*;
use connkit_c1::{Call, Client, Operation};
use connkit_models::c1::{
    Config, Connector, ConnectorServiceGetResponse, EditorMarker, MarkerSeverity,
};

use crate::args::GlobalArgs;
use crate::connect::{self, within_timeout, C1};
use crate::exit::{Exit, Failure};
use crate::input::Input;
use crate::output::{ListWriter, Row, Sink};
use crate::progress::Progress;
use crate::untrusted;
use args::{
    C1Args, C1ConnectorsCommand, C1CreateArgs, C1CredentialsCommand, C1Fields, C1ListArgs,
    C1Target, C1UpdateArgs,
};

/// Runs one `c1` subcommand.
pub async fn run(command: &C1Args, global: &GlobalArgs, sink: Sink<'_>) -> Result<(), Failure> {
    // Each C1 write is one request, bounded by the stack's timeout, whose lost answer
    // the library reports as `MaybeApplied`; the bound here is for what spans many
    // requests (a listing with --all).
    within_timeout(global.timeout, false, |_deadline| {
        run_bounded(command, global, sink)
    })
    .await
}

/// [`run`] without the whole-command bound.
async fn run_bounded(
    command: &C1Args,
    global: &GlobalArgs,
    mut out: Sink<'_>,
) -> Result<(), Failure> {
    let args::C1Command::Connectors(command) = &command.command;
    let (client, _policy) = connect::client::<C1>(global, connect::Preflight::NotNeeded)?;
    use C1ConnectorsCommand as C;
    match command {
        C::List(args) => list(&client, args, &mut out).await,
        C::Get(t) => {
            let answer = send(client.get_connector(app(t), &t.connector_id)).await?;
            out.object(&connector_of(answer))
        }
        C::Create(args) => create(&client, args, &mut out).await,
        C::Update(args) => update(&client, args, &mut out).await,
        C::Delete(t) => {
            send(client.delete_connector(app(t), &t.connector_id)).await?;
            done(&out, format!("deleted connector {}", t.connector_id))
        }
        C::ForceSync(t) => {
            send(client.force_sync(app(t), &t.connector_id)).await?;
            done(
                &out,
                format!("sync of connector {} started", t.connector_id),
            )
        }
        C::Pause(t) => {
            send(client.pause_sync(app(t), &t.connector_id)).await?;
            done(
                &out,
                format!("syncing of connector {} paused", t.connector_id),
            )
        }
        C::Resume(t) => {
            send(client.resume_sync(app(t), &t.connector_id)).await?;
            done(
                &out,
                format!("syncing of connector {} resumed", t.connector_id),
            )
        }
        C::Schedule(args) => {
            let t = &args.target;
            let mut call = client.update_schedule(app(t), &t.connector_id, &args.cron);
            if let Some(zone) = &args.timezone {
                call = call.timezone(zone);
            }
            send(call).await?;
            done(
                &out,
                format!("schedule of connector {} set", t.connector_id),
            )
        }
        C::Credentials(C1CredentialsCommand::Rotate(t)) => {
            let answer = send(client.rotate_credential(app(t), &t.connector_id)).await?;
            out.object(&answer)
        }
        C::Credentials(C1CredentialsCommand::Get(args)) => {
            let t = &args.target;
            let call = client.get_credential(app(t), &t.connector_id, &args.credential_id);
            let answer = send(call).await?;
            out.object(&answer.credential.unwrap_or_default())
        }
        C::Credentials(C1CredentialsCommand::Revoke(args)) => {
            let t = &args.target;
            let call = client.revoke_credential(app(t), &t.connector_id, &args.credential_id);
            send(call).await?;
            done(&out, format!("credential {} revoked", args.credential_id))
        }
        C::DownloadUrl(args) => {
            let t = &args.target;
            let call = client.sync_download_url(app(t), &t.connector_id, &args.sync_id);
            out.object(&send(call).await?)
        }
        C::ConfirmSync(args) => {
            let t = &args.target;
            let call = client.confirm_sync_valid(app(t), &t.connector_id, &args.sync_id);
            send(call).await?;
            done(&out, format!("sync {} confirmed valid", args.sync_id))
        }
        C::ValidateConfig(args) => {
            let text = Input::read_text(&args.file, "text")?;
            let markers = send(client.validate_http_config(text))
                .await?
                .markers
                .unwrap_or_default();
            out.list::<EditorMarker>(&markers)?;
            let errors = markers
                .iter()
                .filter(|m| m.severity == Some(MarkerSeverity::Error))
                .count();
            if errors > 0 {
                return Err(Failure::Quiet(Exit::Rejected));
            }
            Ok(())
        }
        C::Pull(args) => as_code::pull(&client, args, out).await,
        C::Diff(args) => as_code::diff(&client, args, out).await,
        C::Push(args) => as_code::push(&client, args, out).await,
    }
}

/// An operation that answers `{}` went through: say so on stderr.
fn done(out: &Sink<'_>, what: String) -> Result<(), Failure> {
    out.note(&what);
    Ok(())
}

fn app(target: &C1Target) -> &str {
    &target.app.app_id
}

/// Sends a call; its error with its exit code (a write whose answer was lost is the
/// library's `MaybeApplied`, exit 7).
async fn send<O>(call: Call<O>) -> Result<O::Output, Failure>
where
    O: Operation<Error = connkit_c1::Error> + Sync,
    O::Output: Send,
{
    call.send().await.map_err(Failure::from)
}

/// The connector of an answer (the whole answer if it has none).
fn connector_of(answer: ConnectorServiceGetResponse) -> Connector {
    answer
        .connector_view
        .and_then(|v| v.connector)
        .unwrap_or_default()
}

async fn list(client: &Client, args: &C1ListArgs, out: &mut Sink<'_>) -> Result<(), Failure> {
    let mut call = client.list_connectors(&args.app.app_id);
    if let Some(size) = args.page_size {
        call = call.page_size(size);
    }
    if let Some(token) = &args.page_token {
        call = call.page_token(token);
    }
    let mut writer = ListWriter::<Connector>::new(out.out, out.format);
    let mut next = None;
    if args.all {
        let mut pages = call.into_paginator();
        let mut progress = Progress::new("connectors", !out.quiet);
        while let Some(page) = pages.next_page().await.map_err(Failure::from)? {
            let items: Vec<Connector> = page.connectors().cloned().collect();
            writer.page(&items).map_err(Failure::write_failed)?;
            // Page tokens say nothing of the total.
            progress.update(writer.written(), None);
        }
    } else {
        let page = send(call).await?;
        let items: Vec<Connector> = page.connectors().cloned().collect();
        writer.page(&items).map_err(Failure::write_failed)?;
        next = page.next_page_token().map(str::to_owned);
    }
    writer.finish(None).map_err(Failure::write_failed)?;
    if let (Some(token), false) = (next, out.quiet) {
        eprintln!(
            "more: --page-token {} (or --all)",
            untrusted::escape(&token)
        );
    }
    Ok(())
}

/// The configuration file's `{"@type": …, …}`.
fn config(path: &Path) -> Result<Config, Failure> {
    let text = Input::read_text(path, "JSON")?;
    Config::from_json(&text)
        .map_err(|e| Failure::usage(format!("{}: not a configuration: {e}", path.display())))
}

async fn create(client: &Client, args: &C1CreateArgs, out: &mut Sink<'_>) -> Result<(), Failure> {
    let app = &args.app.app_id;
    let C1Fields {
        display_name,
        description,
        config: config_file,
        user_ids,
    } = &args.fields;
    let answer = if args.delegated {
        let mut call = client.create_delegated_connector(app, &args.catalog_id);
        if let Some(name) = display_name {
            call = call.display_name(name);
        }
        if let Some(text) = description {
            call = call.description(text);
        }
        if let Some(ids) = user_ids {
            call = call.user_ids(ids.clone());
        }
        send(call).await?
    } else {
        if display_name.is_some() {
            return Err(Failure::usage(
                "--display-name is set by `update` or with --delegated (Create takes none)",
            ));
        }
        let mut call = client.create_connector(app, &args.catalog_id);
        if let Some(file) = config_file {
            call = call.config(config(file)?);
        }
        if let Some(text) = description {
            call = call.description(text);
        }
        if let Some(ids) = user_ids {
            call = call.user_ids(ids.clone());
        }
        send(call).await?
    };
    out.object(&connector_of(answer))
}

async fn update(client: &Client, args: &C1UpdateArgs, out: &mut Sink<'_>) -> Result<(), Failure> {
    let t = &args.target;
    let mut call = if args.delegated {
        client.update_delegated_connector(app(t), &t.connector_id)
    } else {
        client.update_connector(app(t), &t.connector_id)
    };
    let fields = &args.fields;
    if let Some(name) = &fields.display_name {
        call = call.display_name(name);
    }
    if let Some(text) = &fields.description {
        call = call.description(text);
    }
    if let Some(file) = &fields.config {
        call = call.config(config(file)?);
    }
    if let Some(ids) = &fields.user_ids {
        call = call.user_ids(ids.clone());
    }
    if call
        .operation()
        .request()
        .update_mask
        .is_none_or(|m| m.is_empty())
    {
        return Err(Failure::usage(
            "nothing to update: give --display-name, --description, --config or --user-ids",
        ));
    }
    let answer = send(call).await?;
    out.object(&connector_of(answer))
}

impl Row for Connector {
    const HEADERS: &'static [&'static str] = &["ID", "NAME", "CATALOG", "SYNC", "UPDATED"];
    fn cells(&self) -> Vec<String> {
        let text = |v: &Option<String>| v.clone().unwrap_or_default();
        vec![
            text(&self.id),
            text(&self.display_name),
            text(&self.catalog_id),
            self.status
                .as_ref()
                .and_then(|s| s.status.as_ref())
                .map(|s| s.as_str().trim_start_matches("SYNC_STATUS_").to_owned())
                .unwrap_or_default(),
            self.updated_at
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default(),
        ]
    }
}

impl Row for EditorMarker {
    const HEADERS: &'static [&'static str] = &["LINE", "COLUMN", "SEVERITY", "MESSAGE"];
    fn cells(&self) -> Vec<String> {
        let number = |v: Option<i32>| v.map(|n| n.to_string()).unwrap_or_default();
        vec![
            number(self.start_line_number),
            number(self.start_column),
            self.severity
                .as_ref()
                .map(|s| s.as_str().to_owned())
                .unwrap_or_default(),
            self.message.clone().unwrap_or_default(),
        ]
    }
}
