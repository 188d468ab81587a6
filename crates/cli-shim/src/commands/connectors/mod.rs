//! `connkit connectors …`: the 13 operations of the Connectors API, and ISC connectors
//! as code (`as_code`).

pub mod args;
mod as_code;

use std::time::Instant;

use connkit_connectors::ops::Document;
use connkit_connectors::prelude::*;
use connkit_connectors::raw::raw;
use connkit_connectors::{Client, Error as ApiError, Reconciliation};
use connkit_models::isc::v2024::{ConnectorStatus, Locale, V3ConnectorDto, V3CreateConnectorDto};
use connkit_models::preflight::BodyKind;

use args::ConnectorsCommand;
use args::{CreateArgs, ListArgs, TranslationsCommand, XmlDocCommand};

use crate::args::GlobalArgs;
use crate::connect::{self, within_timeout, Isc, Preflight};
use crate::exit::{Exit, Failure};
use crate::input::{Input, SizeCheck};
use crate::output::{write_verbatim, ListWriter, OutputFormat, Row, Sink};
use crate::progress::Progress;
use crate::untrusted;

/// Runs one `connectors` subcommand. `--timeout` bounds the whole command: every
/// page, wait and retry, and a create's lookup by name.
pub async fn run(
    command: &ConnectorsCommand,
    global: &GlobalArgs,
    sink: Sink<'_>,
) -> Result<(), Failure> {
    let writes = matches!(command, ConnectorsCommand::Push(_));
    within_timeout(global.timeout, writes, |deadline| {
        run_until(command, global, deadline, sink)
    })
    .await
}

/// [`run`] with the command's deadline, if any. Listings, creates and updates carry
/// it (they may make several requests); a single request is bounded by the stack's
/// operation timeout, which is `--timeout` too.
async fn run_until(
    command: &ConnectorsCommand,
    global: &GlobalArgs,
    deadline: Option<Instant>,
    mut sink: Sink<'_>,
) -> Result<(), Failure> {
    let preflight = if command.sends_body() {
        Preflight::Needed
    } else {
        Preflight::NotNeeded
    };
    let size_check = SizeCheck::unless(global.no_preflight);
    let (client, policy) = connect::client::<Isc>(global, preflight)?;
    match command {
        ConnectorsCommand::List(args) => {
            let concurrency = match args.concurrency {
                Some(n) => usize::from(n),
                None => crate::rate_limit::list_concurrency(&client, policy, global.sandbox),
            };
            list(&client, args, deadline, concurrency, sink).await
        }
        ConnectorsCommand::Get(args) => {
            let mut request = client.get_connector(&args.script_name);
            if let Some(locale) = &args.locale {
                request = request.locale(Locale::from(locale.as_str()));
            }
            let detail = request.send().await?;
            sink.object(&detail)
        }
        ConnectorsCommand::Delete(args) => {
            client.delete_connector(&args.script_name).send().await?;
            if !sink.quiet {
                eprintln!("deleted connector {}", args.script_name);
            }
            Ok(())
        }
        ConnectorsCommand::Create(args) => create(&client, args, deadline, size_check, sink).await,
        ConnectorsCommand::Update(args) => {
            let input = match &args.patch {
                Some(path) => Input::read(path, BodyKind::JsonPatch, size_check)?,
                // Built from the flags, then pre-flighted as a patch file would be.
                None => Input {
                    label: "--set/--unset".to_owned(),
                    bytes: crate::patch_args::json_patch(&args.set, &args.unset)?,
                },
            };
            let detail = client
                .update_connector_json(&args.script_name, input.bytes)
                .set_deadline(deadline)
                .send()
                .await
                .map_err(|e| Failure::api(e, &input.label))?;
            sink.object(&detail)
        }
        ConnectorsCommand::SourceConfig(doc) => {
            document(&client, Document::SourceConfig, doc, size_check, sink).await
        }
        ConnectorsCommand::SourceTemplate(doc) => {
            document(&client, Document::SourceTemplate, doc, size_check, sink).await
        }
        ConnectorsCommand::CorrelationConfig(doc) => {
            document(&client, Document::CorrelationConfig, doc, size_check, sink).await
        }
        ConnectorsCommand::Translations(TranslationsCommand::Get(args)) => {
            let text = client
                .get_translations(&args.script_name, Locale::from(args.locale.as_str()))
                .send()
                .await?;
            write_verbatim(sink.out, text.as_bytes()).map_err(Failure::write_failed)
        }
        ConnectorsCommand::Pull(args) => as_code::pull(&client, args, sink).await,
        ConnectorsCommand::Diff(args) => as_code::diff(&client, args, global, sink).await,
        ConnectorsCommand::Push(args) => as_code::push(&client, args, global, sink).await,
        ConnectorsCommand::Translations(TranslationsCommand::Put(args)) => {
            let mut request =
                client.put_translations(&args.script_name, Locale::from(args.locale.as_str()));
            let mut label = String::from("(empty body)");
            if let Some(file) = &args.file {
                let input = Input::read(file, BodyKind::Translations, size_check)?;
                label = input.label;
                request = request.content(input.bytes);
            }
            let mut progress = Progress::new(format!("uploading {label}"), !sink.quiet);
            progress.show();
            let detail = request.send().await.map_err(|e| Failure::api(e, &label))?;
            drop(progress);
            sink.object(&detail)
        }
    }
}

/// One page, or every page with `--all` (`concurrency` pages at a time), written as
/// each page arrives.
async fn list(
    client: &Client,
    args: &ListArgs,
    deadline: Option<Instant>,
    concurrency: usize,
    sink: Sink<'_>,
) -> Result<(), Failure> {
    let mut request = client.list_connectors().set_deadline(deadline);
    if let Some(filter) = &args.filter {
        request = request.filter(filter.as_str());
    }
    if let Some(locale) = &args.locale {
        request = request.locale(Locale::from(locale.as_str()));
    }
    if let Some(limit) = args.limit {
        request = request.limit(limit);
    }
    if let Some(offset) = args.offset {
        request = request.offset(offset);
    }
    if args.all && args.limit == Some(0) {
        return Err(Failure::usage(
            "--all needs a page size of at least 1 (--limit 1..=250)",
        ));
    }
    if args.count {
        // Only the number, as `grep -c` gives it: a page of no items and its total.
        let page = request.limit(0).count(true).send().await?;
        let total = page.total.ok_or_else(|| {
            Failure::plain(
                Exit::Other,
                "the server did not say how many connectors there are (no X-Total-Count)",
            )
        })?;
        return writeln!(sink.out, "{total}").map_err(Failure::write_failed);
    }
    let mut writer = ListWriter::<V3ConnectorDto>::new(sink.out, sink.format);
    let total = if args.all && sink.format == OutputFormat::Table {
        let mut pages = request.into_paginator().concurrency(concurrency);
        let mut progress = Progress::new("connectors", !sink.quiet);
        while let Some(page) = pages.next_page().await? {
            writer.page(&page.items).map_err(Failure::write_failed)?;
            progress.update(writer.written(), pages.total());
        }
        pages.total()
    } else if args.all {
        // JSON and NDJSON print each item as the server sent it when that is already
        // what re-encoding it would print (checked), without decoding it.
        let mut pages = raw(request.into_paginator().concurrency(concurrency));
        let mut progress = Progress::new("connectors", !sink.quiet);
        while let Some(page) = pages.next_page().await? {
            writer
                .encoded_page(&page.items)
                .map_err(Failure::write_failed)?;
            progress.update(writer.written(), pages.total());
        }
        pages.total()
    } else {
        // The count is always asked for: a first page must not pass for the whole list.
        let page = request.count(true).send().await?;
        writer.page(&page.items).map_err(Failure::write_failed)?;
        let shown = args.offset.unwrap_or(0) + page.items.len() as u64;
        if let Some(total) = page.total.filter(|&total| shown < total && !sink.quiet) {
            eprintln!(
                "note: {} of {total} connectors; --all for every page",
                page.items.len()
            );
        }
        page.total
    };
    let table = sink.format == OutputFormat::Table;
    writer
        .finish(total.filter(|_| table))
        .map_err(Failure::write_failed)
}

/// From flags, or the DTO file verbatim (so pre-flight sees the user's own bytes).
///
/// When the answer is lost and the lookup by name finds the connector, it is printed
/// as if created, with a note on stderr; every other outcome is an error.
async fn create(
    client: &Client,
    args: &CreateArgs,
    deadline: Option<Instant>,
    size_check: SizeCheck,
    mut sink: Sink<'_>,
) -> Result<(), Failure> {
    let (request, label) = match &args.file {
        Some(file) => {
            let input = Input::read(file, BodyKind::CreateConnector, size_check)?;
            (client.create_connector_json(input.bytes), input.label)
        }
        None => {
            let (Some(name), Some(class_name)) = (&args.name, &args.class_name) else {
                return Err(Failure::usage(
                    "connectors create needs --name and --class-name, or --file",
                ));
            };
            let mut dto = V3CreateConnectorDto::new(name, class_name);
            dto.connector_type = args.connector_type.clone();
            dto.direct_connect = args.direct_connect;
            dto.status = args.status.as_deref().map(ConnectorStatus::from);
            (client.create_connector(&dto), "create request".to_owned())
        }
    };
    let created = match request.set_deadline(deadline).send().await {
        Ok(created) => created,
        Err(ApiError::MaybeApplied {
            reconciliation: Reconciliation::Exists(found),
            source,
            ..
        }) => {
            if !sink.quiet {
                eprintln!(
                    "note: the create got no usable answer ({}), but a connector with \
                     this name exists now (scriptName {}): most likely this request created it",
                    untrusted::escape(&source.to_string()),
                    untrusted::escape(found.script_name.as_deref().unwrap_or("unknown"))
                );
            }
            *found
        }
        Err(e) => return Err(Failure::api(e, &label)),
    };
    sink.object(&created)
}

/// `get` prints the XML verbatim; `put` uploads a file after pre-flight.
async fn document(
    client: &Client,
    document: Document,
    command: &XmlDocCommand,
    size_check: SizeCheck,
    mut sink: Sink<'_>,
) -> Result<(), Failure> {
    match command {
        XmlDocCommand::Get(args) => {
            let xml = client
                .get_document(&args.script_name, document)
                .send()
                .await?;
            write_verbatim(sink.out, &xml).map_err(Failure::write_failed)
        }
        XmlDocCommand::Put(args) => {
            let input = Input::read(&args.file, document.body_kind(), size_check)?;
            let mut progress = Progress::new(
                format!("uploading {} ({} bytes)", input.label, input.bytes.len()),
                !sink.quiet,
            );
            progress.show();
            let detail = client
                .put_document(&args.script_name, document)
                .content(input.bytes)
                .send()
                .await
                .map_err(|e| Failure::api(e, &input.label))?;
            drop(progress);
            sink.object(&detail)
        }
    }
}

impl Row for V3ConnectorDto {
    const HEADERS: &'static [&'static str] = &[
        "SCRIPT NAME",
        "NAME",
        "TYPE",
        "DIRECT",
        "STATUS",
        "CLASS NAME",
    ];
    fn cells(&self) -> Vec<String> {
        let text = |v: &Option<String>| v.clone().unwrap_or_default();
        vec![
            text(&self.script_name),
            text(&self.name),
            text(&self.connector_type),
            self.direct_connect
                .map(|d| d.to_string())
                .unwrap_or_default(),
            self.status
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default(),
            text(&self.class_name),
        ]
    }
}
